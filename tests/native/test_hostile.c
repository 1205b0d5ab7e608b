/* Hostile model input: argv[1] a folder holding truncated.safetensors (a real model cut short), garbage.safetensors
 * (random bytes) and a valid model as good.safetensors. Every case must return its status and a one-line message,
 * from a path and from memory, and the library must keep working afterwards. */
#include <string.h>

#include "check.h"

static void expect_one_line(void) {
    const char *m = creps_last_error();
    REQUIRE(m[0] != '\0' && strchr(m, '\n') == NULL);
}

int main(int argc, char **argv) {
    REQUIRE(argc == 2);
    char path[4096];
    const char *bad[] = {"truncated.safetensors", "garbage.safetensors"};
    creps_model *model = NULL;
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", argv[1], bad[i]);
        EXPECT_FAIL(creps_model_open(path, &model), CREPS_ERROR_MODEL_FORMAT);
        expect_one_line();
        REQUIRE(model == NULL);
        size_t size;
        void *bytes = read_all(path, &size);
        EXPECT_FAIL(creps_model_open_memory(bytes, size, &model), CREPS_ERROR_MODEL_FORMAT);
        expect_one_line();
        REQUIRE(model == NULL);
        free(bytes);
    }
    /* Every prefix length of the header region of a good model, from memory: never a crash, always a format error. */
    snprintf(path, sizeof path, "%s/good.safetensors", argv[1]);
    size_t size;
    unsigned char *good = read_all(path, &size);
    for (size_t cut = 0; cut < 4096 && cut < size; cut += 61) {
        creps_status s = creps_model_open_memory(good, cut, &model);
        REQUIRE(s == CREPS_ERROR_MODEL_FORMAT && model == NULL);
        expect_one_line();
    }
    /* One flipped byte in the JSON header's first bytes. */
    good[8] ^= 0x5a;
    EXPECT_FAIL(creps_model_open_memory(good, size, &model), CREPS_ERROR_MODEL_FORMAT);
    good[8] ^= 0x5a;

    snprintf(path, sizeof path, "%s/missing.safetensors", argv[1]);
    EXPECT_FAIL(creps_model_open(path, &model), CREPS_ERROR_IO);
    EXPECT_FAIL(creps_model_open(argv[1], &model), CREPS_ERROR_IO);   /* a folder, not a regular file */
    EXPECT_FAIL(creps_model_open(NULL, &model), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_model_open_memory(NULL, 10, &model), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_model_open_memory(good, size, NULL), CREPS_ERROR_INVALID_ARGUMENT);

    /* Still fine afterwards. */
    CHECK(creps_model_open_memory(good, size, &model));
    creps_model_info info;
    CHECK(creps_model_info_get(model, &info));
    CHECK(creps_model_close(model));
    free(good);
    printf("test_hostile: all passed\n");
    return 0;
}
