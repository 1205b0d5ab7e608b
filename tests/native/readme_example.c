/* Renders 256x256 of the bundled grass model (seed 7) and writes it as a binary PPM. */
#include <stdio.h>
#include <stdlib.h>
#include "creps.h"

static int fail(const char *what) {
    fprintf(stderr, "%s: %s\n", what, creps_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *model_path = argc > 1 ? argv[1] : "models/grass.safetensors";
    const char *out_path = argc > 2 ? argv[2] : "grass.ppm";
    creps_model *model = NULL;
    creps_latent *latent = NULL;
    creps_generator *gen = NULL;
    if (creps_model_open(model_path, &model) != CREPS_OK) return fail("open");
    if (creps_latent_from_seed(model, 7, 1.0f, -1, &latent) != CREPS_OK) return fail("latent");
    creps_generator_options options = {0};
    options.backend = "cpu";
    if (creps_generator_create(model, &options, &gen) != CREPS_OK) return fail("generator");

    enum { W = 256, H = 256 };
    creps_region region = {0.0, 0.0, 1.0, 1.0, W, H, 0, 0};   /* the model's training tile */
    unsigned char *rgba = malloc(W * H * 4);
    if (creps_render(gen, latent, &region, CREPS_FORMAT_RGBA8, rgba, W * H * 4, 0) != CREPS_OK) return fail("render");

    FILE *f = fopen(out_path, "wb");
    if (!f) return 1;
    fprintf(f, "P6\n%d %d\n255\n", W, H);
    for (int i = 0; i < W * H; i++) fwrite(rgba + 4 * i, 1, 3, f);   /* drop alpha */
    fclose(f);
    printf("wrote %s\n", out_path);

    free(rgba);
    creps_generator_destroy(gen);
    creps_latent_destroy(latent);
    creps_model_close(model);
    return 0;
}
