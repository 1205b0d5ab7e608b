using System.CommandLine;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary>The model file option of every command that reads one.</summary>
public static class ModelOption
{
    public static Option<string?> Create() => Opt.Text("--model", "PATH", "The model file (.safetensors with the config in its metadata). Required.");

    public static CrepsModel Load(ParseResult p, Option<string?> model) => CrepsModel.Load(p.Require(model));
}
