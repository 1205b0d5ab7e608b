// Bindings shared by every pass (one pipeline layout for all). Offsets into these buffers arrive as push
// constants, in floats. The *4 views alias the same buffers for 16-byte loads (offsets are multiples of 4).
layout(std430, set = 0, binding = 0) readonly buffer Weights  { float weights[]; };   // model constants
layout(std430, set = 0, binding = 0) readonly buffer Weights4 { vec4 weights4[]; };
layout(std430, set = 0, binding = 1) readonly buffer Styles   { float styles[]; };    // one latent's styles
layout(std430, set = 0, binding = 1) readonly buffer Styles4  { vec4 styles4[]; };
layout(std430, set = 0, binding = 2) buffer Acts              { float acts[]; };      // line-pass activations
layout(std430, set = 0, binding = 3) buffer LinesA            { float linesA[]; };    // row lines (line pass: its output)
layout(std430, set = 0, binding = 3) buffer LinesA4           { vec4 linesA4[]; };
layout(std430, set = 0, binding = 4) readonly buffer LinesB4  { vec4 linesB4[]; };    // column lines
layout(std430, set = 0, binding = 5) readonly buffer Phase    { float phase[]; };     // host-reduced Fourier phases

const float SQRT2 = 1.41421356237309504880;
const float SQRT_HALF = 0.70710678118654752440;

// leaky_relu(v, 0.2)·√2, the activation of every synthesis layer and decoder layer.
float lrelu(float v) { return max(v, 0.2 * v) * SQRT2; }
