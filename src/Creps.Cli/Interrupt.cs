using System.Runtime.InteropServices;
using Creps.Render.IO;

namespace Creps.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM. A job that checks for cancellation (bake, merge) holds an <see cref="Interrupt"/>: the
/// signal cancels its token, it stops at the next tile and deletes its temp files. Every other command is covered by
/// <see cref="ExitOnSignal"/>: the temps of every uncommitted output are deleted and the process exits 130.
/// </summary>
public sealed class Interrupt : IDisposable
{
    static int s_cooperative; // live Interrupt instances: while one exists, signals cancel instead of exiting

    readonly CancellationTokenSource _cts = new();
    readonly PosixSignalRegistration[] _registrations;

    public Interrupt()
    {
        Interlocked.Increment(ref s_cooperative);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _cts.Token;

    void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // keep the process alive: the job unwinds and deletes its temp files
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
        Interlocked.Decrement(ref s_cooperative);
    }

    /// <summary>For a whole command: a signal that no <see cref="Interrupt"/> handles deletes every temp output and exits 130.</summary>
    public static IDisposable ExitOnSignal(TextWriter stderr, string prefix)
    {
        void Handle(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Volatile.Read(ref s_cooperative) > 0) return;
            // Exit from a thread of its own: the handler must return for the runtime's signal machinery to stay free.
            new Thread(() =>
            {
                AtomicFileSet.AbortAll();
                try { stderr.WriteLine($"{prefix}: {ExitCodes.Classify(new OperationCanceledException()).Line}"); stderr.Flush(); } catch { }
                Environment.Exit(ExitCodes.Interrupted);
            }) { IsBackground = true }.Start();
        }
        return new Registrations([PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)]);
    }

    sealed class Registrations(PosixSignalRegistration[] all) : IDisposable
    {
        public void Dispose() { foreach (var r in all) r.Dispose(); }
    }
}
