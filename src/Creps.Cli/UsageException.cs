namespace Creps.Cli;

/// <summary>Bad command-line usage found after parsing (conflicting options, a value the model rejects): one line and the synopsis, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
