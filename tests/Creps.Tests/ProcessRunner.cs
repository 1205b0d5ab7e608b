using System.Diagnostics;

namespace Creps.Tests;

/// <summary>Runs an external program with a time limit: both streams read concurrently, the process tree killed and the test failed on timeout.</summary>
public static class ProcessRunner
{
    public sealed record Result(int Code, string Stdout, string Stderr);

    /// <param name="environment">Variables to set (a null value removes the variable) in the child's environment.</param>
    public static Result Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory != null) psi.WorkingDirectory = workingDirectory;
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
            if (v == null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        // Read both pipes at once: a child that fills one while we block on the other would never exit.
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"{file} {string.Join(' ', args)} ran past {timeout.TotalSeconds:F0} s and was killed\nstdout: {Tail(stdout.Result)}\nstderr: {Tail(stderr.Result)}");
        }
        p.WaitForExit();   // drains the redirected streams
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(string file, params string[] args) => Run(file, args, TimeSpan.FromMinutes(2));

    static string Tail(string s) => s.Length > 2000 ? "…" + s[^2000..] : s;
}
