using System.CommandLine;
using Creps.Render.Coordinates;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary>Which part of the plane at which resolution: --scale, --size/--region or --rows/--cols (render).</summary>
public sealed class RegionOptions
{
    public const string Synopsis = "[--scale S | --size WxH [--region x0,y0,x1,y1] | --rows SPEC --cols SPEC]";

    public readonly Option<double?> Scale = Opt.Double("--scale", "S", "The official grid linspace(0,1,int(R·S)) on both axes, R the model's resolution (default 1).");
    public readonly Option<(int W, int H)?> Size = SizeOption(Grid.MaxLength,
        "Width x height in pixels (N for N×N); pixel centres cover [0,1]², or --region.");
    public readonly Option<(double X0, double Y0, double X1, double Y1)?> Region = RegionOption(
        "The part of the plane --size covers, x along the width (default 0,0,1,1).");
    public readonly Option<string?> Rows = SpecOption("--rows", "Row coordinates, top to bottom (the image's height): linspace:a,b,n, centers:a,b,n or @FILE (one number a line).");
    public readonly Option<string?> Cols = SpecOption("--cols", "Column coordinates, left to right (the image's width), in the same forms as --rows.");

    public IEnumerable<Option> All => [Scale, Size, Region, Rows, Cols];

    /// <summary>The --size option; <paramref name="max"/> is the longest side the command accepts.</summary>
    public static Option<(int W, int H)?> SizeOption(int max, string description) =>
        Opt.Parsed<(int W, int H)?>("--size", "WxH", description, s => AxisSpec.ParseSize(s, max));

    public static Option<(double X0, double Y0, double X1, double Y1)?> RegionOption(string description) =>
        Opt.Parsed<(double X0, double Y0, double X1, double Y1)?>("--region", "x0,y0,x1,y1", description, s => AxisSpec.ParseRegion(s));

    /// <summary>A coordinate spec; linspace/centers are checked while parsing, an @FILE when it is read (its errors are the file's: exit 1).</summary>
    static Option<string?> SpecOption(string name, string description) =>
        Opt.Parsed<string?>(name, "SPEC", description, s =>
        {
            if (!s.StartsWith('@')) AxisSpec.Parse(s);
            return s;
        });

    /// <summary>Row and column coordinates from the options (default: the official grid at scale 1).</summary>
    public (double[] Rows, double[] Cols) Coordinates(ParseResult p, CrepsModel m)
    {
        bool scale = p.Has(Scale), size = p.Has(Size), explicitAxes = p.Has(Rows) || p.Has(Cols);
        if ((scale ? 1 : 0) + (size ? 1 : 0) + (explicitAxes ? 1 : 0) > 1)
            throw new UsageException("give one of --scale, --size [--region], or --rows with --cols");
        if (p.Has(Region) && !size) throw new UsageException("--region needs --size");
        if (explicitAxes)
        {
            if (!p.Has(Rows) || !p.Has(Cols)) throw new UsageException("--rows and --cols go together");
            return (AxisSpec.Parse(p.Require(Rows)), AxisSpec.Parse(p.Require(Cols)));
        }
        if (p.GetValue(Size) is var (w, h))
        {
            var (x0, y0, x1, y1) = p.GetValue(Region) ?? (0, 0, 1, 1);
            return (Grid.Centers(y0, y1, h), Grid.Centers(x0, x1, w));
        }
        double s = p.GetValue(Scale) ?? 1.0;
        try
        {
            var g = Grid.Official(m.Config.ImgResolution, s);
            return (g, g);
        }
        catch (ArgumentOutOfRangeException e) { throw new UsageException(e.Message.Split(" (Parameter")[0]); }
    }
}
