namespace Creps.Demo;

public static class Program
{
    public static int Main(string[] args) => DemoCli.Run(args, Console.Out, Console.Error);
}
