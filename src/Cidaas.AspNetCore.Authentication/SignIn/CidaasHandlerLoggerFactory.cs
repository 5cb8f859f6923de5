using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The handler's logger factory: the host's, except that ASP.NET Core's own line for a failed callback
/// ("Error from RemoteAuthentication: {ErrorMessage}.", event 4, always Information) is left out for a failure with a
/// CIDAAS id, which the handler logs itself once, at the level it calls for and with what to do
/// (<see cref="CidaasSignInFailures"/>). That line also ended in ".." after the package's messages. Any other failure
/// (an event handler's own) keeps ASP.NET Core's line. One wrapper per host factory and category: nothing is allocated per request.
/// </summary>
internal sealed class CidaasHandlerLoggerFactory : ILoggerFactory
{
    private static readonly ConditionalWeakTable<ILoggerFactory, CidaasHandlerLoggerFactory> Wrappers = [];

    private readonly ILoggerFactory _inner;
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    private CidaasHandlerLoggerFactory(ILoggerFactory inner) => _inner = inner;

    public static ILoggerFactory Wrap(ILoggerFactory factory)
        => factory is CidaasHandlerLoggerFactory ? factory : Wrappers.GetValue(factory, static f => new CidaasHandlerLoggerFactory(f));

    public ILogger CreateLogger(string categoryName)
        => _loggers.GetOrAdd(categoryName, static (name, inner) => new FilteringLogger(inner.CreateLogger(name)), _inner);

    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    // The host owns the factory.
    public void Dispose()
    {
    }

    private sealed class FilteringLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 4 && eventId.Name == "RemoteAuthenticationFailed" && IsIdentifiedFailure(state))
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }

        private static bool IsIdentifiedFailure<TState>(TState state)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var value in values)
                {
                    if (value.Key == "ErrorMessage" && value.Value is string message)
                    {
                        return Diagnostics.CidaasTelemetry.ErrorType(message) != "_OTHER";
                    }
                }
            }

            return false;
        }
    }
}
