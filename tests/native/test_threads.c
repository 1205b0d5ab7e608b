/* 4 threads rendering at once: argv[1] the model. Each thread renders its own region on one shared generator (and a
 * second time on a generator of its own); every result must equal the same region rendered alone beforehand. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <string.h>

#include "check.h"

enum { THREADS = 4, SIDE = 40 };
#define BYTES (sizeof(float) * 3 * SIDE * SIDE)

static creps_model *model;
static creps_generator *shared_gen;
static creps_latent *latent;
static float *alone[THREADS];

static creps_region region_of(int i) {
    creps_region r = {0.1 * i, 0.2, 0.1 * i + 0.5, 0.7, SIDE, SIDE, 0, 0};
    return r;
}

static void *worker(void *arg) {
    int i = (int)(intptr_t)arg;
    creps_region r = region_of(i);
    float *out = malloc(BYTES);
    for (int round = 0; round < 3; round++) {
        CHECK(creps_render(shared_gen, latent, &r, CREPS_FORMAT_PLANAR_F32, out, BYTES, 0));
        REQUIRE(memcmp(out, alone[i], BYTES) == 0);
    }
    creps_generator_options opt = {0};
    opt.backend = "cpu";
    opt.threads = 1;
    creps_generator *own = NULL;
    CHECK(creps_generator_create(model, &opt, &own));
    CHECK(creps_render(own, latent, &r, CREPS_FORMAT_PLANAR_F32, out, BYTES, 0));
    REQUIRE(memcmp(out, alone[i], BYTES) == 0);
    /* A failure on this thread leaves a message on this thread only. */
    creps_region bad = r;
    bad.height = -1;
    REQUIRE(creps_render(own, latent, &bad, CREPS_FORMAT_PLANAR_F32, out, BYTES, 0) == CREPS_ERROR_INVALID_ARGUMENT);
    REQUIRE(strstr(creps_last_error(), "-1") != NULL);
    CHECK(creps_generator_destroy(own));
    free(out);
    return NULL;
}

int main(int argc, char **argv) {
    REQUIRE(argc == 2);
    CHECK(creps_model_open(argv[1], &model));
    CHECK(creps_latent_from_seed(model, 3, 1.0f, -1, &latent));
    creps_generator_options opt = {0};
    opt.backend = "cpu";
    CHECK(creps_generator_create(model, &opt, &shared_gen));
    for (int i = 0; i < THREADS; i++) {
        creps_region r = region_of(i);
        alone[i] = malloc(BYTES);
        CHECK(creps_render(shared_gen, latent, &r, CREPS_FORMAT_PLANAR_F32, alone[i], BYTES, 0));
    }
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) REQUIRE(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < THREADS; i++) REQUIRE(pthread_join(t[i], NULL) == 0);
    REQUIRE(creps_last_error()[0] == '\0');   /* the workers' failures did not reach this thread */
    CHECK(creps_generator_destroy(shared_gen));
    CHECK(creps_latent_destroy(latent));
    CHECK(creps_model_close(model));
    for (int i = 0; i < THREADS; i++) free(alone[i]);
    printf("test_threads: %d threads x 4 renders, all equal to the renders alone\n", THREADS);
    return 0;
}
