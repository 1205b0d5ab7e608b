using System.Runtime.InteropServices;

namespace Creps.Cli;

/// <summary>Turns SIGINT (Ctrl-C) and SIGTERM into a cancellation, so a job stops at the next tile and cleans up.</summary>
public sealed class Interrupt : IDisposable
{
    readonly CancellationTokenSource _cts = new();
    readonly PosixSignalRegistration[] _registrations;

    public Interrupt()
    {
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
    }
}
