/* Shared by the C tests: CHECK(call) fails the program with the call, its status and creps_last_error(). */
#ifndef CREPS_TEST_CHECK_H
#define CREPS_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include "creps.h"

#define CHECK(call)                                                                                          \
    do {                                                                                                     \
        creps_status check_s_ = (call);                                                                      \
        if (check_s_ != CREPS_OK) {                                                                          \
            fprintf(stderr, "%s:%d: %s -> %d: %s\n", __FILE__, __LINE__, #call, (int)check_s_, creps_last_error()); \
            exit(1);                                                                                         \
        }                                                                                                    \
    } while (0)

/* A call that must fail with `status` and a non-empty message. */
#define EXPECT_FAIL(call, status)                                                                            \
    do {                                                                                                     \
        creps_status check_s_ = (call);                                                                      \
        if (check_s_ != (status) || creps_last_error()[0] == '\0') {                                         \
            fprintf(stderr, "%s:%d: %s -> %d (\"%s\"), expected %d with a message\n", __FILE__, __LINE__, #call, \
                    (int)check_s_, creps_last_error(), (int)(status));                                       \
            exit(1);                                                                                         \
        }                                                                                                    \
        printf("expected failure %d: %s\n", (int)check_s_, creps_last_error());                              \
    } while (0)

#define REQUIRE(cond)                                                                                        \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "%s:%d: requirement failed: %s\n", __FILE__, __LINE__, #cond);                   \
            exit(1);                                                                                         \
        }                                                                                                    \
    } while (0)

/* The whole file at `path` (malloc'd; at least one byte allocated), its length in *size. */
static inline void *read_all(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    REQUIRE(f != NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc(n > 0 ? (size_t)n : 1);
    REQUIRE(data != NULL && fread(data, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return data;
}

#endif
