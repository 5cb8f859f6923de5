using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;

/// <summary>Writes the sample's log lines to the output of the test that runs now (tests of a class run one at a time).</summary>
public sealed class TestOutputLoggerProvider : ILoggerProvider
{
    private volatile ITestOutputHelper? _output;

    public ITestOutputHelper? Output
    {
        get => _output;
        set => _output = value;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() => _output = null;

    private sealed class Logger(TestOutputLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var output = owner._output;
            if (output is null)
            {
                return;
            }

            try
            {
                output.WriteLine($"[sample] {logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }
}
