using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>Captures every log line (with exception text) and echoes it to the xunit output.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ITestOutputHelper? _output;

    public CapturingLoggerProvider(ITestOutputHelper? output) => _output = output;

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += Environment.NewLine + exception;
            }

            owner.Lines.Enqueue(line);
            try
            {
                owner._output?.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test already finished; the line is still captured.
            }
        }
    }
}
