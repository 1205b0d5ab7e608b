/* Resident memory stays flat: argv[1] the model. 1000 cycles of open model → latent → generator → render → destroy
 * everything; RSS (/proc/self/statm) after 1000 cycles must be within 5 % of RSS after 10. Prints both. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <unistd.h>

#include "check.h"

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    REQUIRE(f != NULL);
    long size, resident;
    REQUIRE(fscanf(f, "%ld %ld", &size, &resident) == 2);
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void cycle(const char *path, unsigned seed, unsigned char *pixels, size_t bytes) {
    creps_model *model = NULL;
    creps_latent *latent = NULL;
    creps_generator *gen = NULL;
    creps_generator_options opt = {0};
    opt.backend = "cpu";
    opt.threads = 1;
    CHECK(creps_model_open(path, &model));
    CHECK(creps_latent_from_seed(model, seed, 0.8f, -1, &latent));
    CHECK(creps_generator_create(model, &opt, &gen));
    creps_region r = {0, 0, 1, 1, 16, 16, 0, 0};
    CHECK(creps_render(gen, latent, &r, CREPS_FORMAT_RGBA8, pixels, bytes, 0));
    CHECK(creps_generator_destroy(gen));
    CHECK(creps_latent_destroy(latent));
    CHECK(creps_model_close(model));
}

int main(int argc, char **argv) {
    REQUIRE(argc == 2);
    unsigned char pixels[16 * 16 * 4];
    int cycles = 0;
    for (; cycles < 10; cycles++) cycle(argv[1], (unsigned)cycles, pixels, sizeof pixels);
    long after10 = rss_kib();
    for (; cycles < 1000; cycles++) cycle(argv[1], (unsigned)cycles, pixels, sizeof pixels);
    long after1000 = rss_kib();
    double ratio = (double)after1000 / (double)after10;
    printf("test_leak: RSS after 10 cycles %ld KiB, after 1000 %ld KiB (ratio %.4f)\n", after10, after1000, ratio);
    REQUIRE(ratio <= 1.05 && ratio >= 0.95);
    return 0;
}
