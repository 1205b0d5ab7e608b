namespace Creps.Demo;

/// <summary>
/// The HUD's font, built here: 3×5-pixel glyphs for digits, capital letters and the punctuation the HUD prints (lower
/// case is drawn as upper case). Each glyph is five rows of three cells, '#' = ink.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 3, GlyphHeight = 5, Advance = 4, LineHeight = 7;

    static readonly Dictionary<char, string> Glyphs = new()
    {
        ['0'] = "###|#.#|#.#|#.#|###", ['1'] = ".#.|##.|.#.|.#.|###", ['2'] = "###|..#|###|#..|###", ['3'] = "###|..#|.##|..#|###",
        ['4'] = "#.#|#.#|###|..#|..#", ['5'] = "###|#..|###|..#|###", ['6'] = "###|#..|###|#.#|###", ['7'] = "###|..#|.#.|.#.|.#.",
        ['8'] = "###|#.#|###|#.#|###", ['9'] = "###|#.#|###|..#|###",
        ['A'] = ".#.|#.#|###|#.#|#.#", ['B'] = "##.|#.#|##.|#.#|##.", ['C'] = ".##|#..|#..|#..|.##", ['D'] = "##.|#.#|#.#|#.#|##.",
        ['E'] = "###|#..|##.|#..|###", ['F'] = "###|#..|##.|#..|#..", ['G'] = ".##|#..|#.#|#.#|.##", ['H'] = "#.#|#.#|###|#.#|#.#",
        ['I'] = "###|.#.|.#.|.#.|###", ['J'] = "..#|..#|..#|#.#|.#.", ['K'] = "#.#|#.#|##.|#.#|#.#", ['L'] = "#..|#..|#..|#..|###",
        ['M'] = "#.#|###|###|#.#|#.#", ['N'] = "##.|#.#|#.#|#.#|#.#", ['O'] = ".#.|#.#|#.#|#.#|.#.", ['P'] = "##.|#.#|##.|#..|#..",
        ['Q'] = ".#.|#.#|#.#|##.|.##", ['R'] = "##.|#.#|##.|#.#|#.#", ['S'] = ".##|#..|.#.|..#|##.", ['T'] = "###|.#.|.#.|.#.|.#.",
        ['U'] = "#.#|#.#|#.#|#.#|###", ['V'] = "#.#|#.#|#.#|#.#|.#.", ['W'] = "#.#|#.#|###|###|#.#", ['X'] = "#.#|#.#|.#.|#.#|#.#",
        ['Y'] = "#.#|#.#|.#.|.#.|.#.", ['Z'] = "###|..#|.#.|#..|###",
        [' '] = "...|...|...|...|...", ['.'] = "...|...|...|...|.#.", [','] = "...|...|...|.#.|#..", [':'] = "...|.#.|...|.#.|...",
        ['-'] = "...|...|###|...|...", ['+'] = "...|.#.|###|.#.|...", ['='] = "...|###|...|###|...", ['/'] = "..#|..#|.#.|#..|#..",
        ['('] = ".#.|#..|#..|#..|.#.", [')'] = ".#.|..#|..#|..#|.#.", ['['] = "##.|#..|#..|#..|##.", [']'] = ".##|..#|..#|..#|.##",
        ['%'] = "#.#|..#|.#.|#..|#.#", ['×'] = "...|#.#|.#.|#.#|...", ['^'] = ".#.|#.#|...|...|...", ['?'] = "##.|..#|.#.|...|.#.",
        ['_'] = "...|...|...|...|###", ['ψ'] = "#.#|#.#|###|.#.|.#.", ['<'] = "..#|.#.|#..|.#.|..#", ['>'] = "#..|.#.|..#|.#.|#..",
    };

    /// <summary>Whether glyph <paramref name="c"/> has ink at (x, y); unknown characters draw as '?'.</summary>
    public static bool Ink(char c, int x, int y)
    {
        if (!Glyphs.TryGetValue(c, out var g) && !Glyphs.TryGetValue(char.ToUpperInvariant(c), out g)) g = Glyphs['?'];
        return g[y * (GlyphWidth + 1) + x] == '#';
    }

    /// <summary>Writes <paramref name="lines"/> into a w×h byte mask (1 = shaded background, 2 = ink) with a one-cell margin.</summary>
    public static void Draw(Span<byte> mask, int width, int height, IReadOnlyList<string> lines)
    {
        mask[..(width * height)].Clear();
        int textWidth = lines.Count == 0 ? 0 : lines.Max(l => l.Length) * Advance + 2, textHeight = lines.Count * LineHeight + 1;
        for (int y = 0; y < Math.Min(textHeight, height); y++)
            for (int x = 0; x < Math.Min(textWidth, width); x++) mask[y * width + x] = 1;
        for (int li = 0; li < lines.Count; li++)
            for (int ci = 0; ci < lines[li].Length; ci++)
                for (int gy = 0; gy < GlyphHeight; gy++)
                    for (int gx = 0; gx < GlyphWidth; gx++)
                    {
                        int x = 2 + ci * Advance + gx, y = 1 + li * LineHeight + gy;
                        if (x < width && y < height && Ink(lines[li][ci], gx, gy)) mask[y * width + x] = 2;
                    }
    }
}
