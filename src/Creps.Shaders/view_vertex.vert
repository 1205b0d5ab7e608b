#version 450
// view_vertex.vert — the demo viewer's full-screen triangle (no vertex buffer): three vertices that cover the window.
void main()
{
    vec2 p = vec2(float((gl_VertexIndex << 1) & 2), float(gl_VertexIndex & 2));
    gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
