namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The failure of a sign-in or sign-out step. <see cref="Error"/>, <see cref="ErrorDescription"/> and
/// <see cref="ErrorUri"/> carry the OAuth 2.0 error when cidaas sent one; they are also in <see cref="Exception.Data"/>
/// under <c>error</c>, <c>error_description</c> and <c>error_uri</c>. The message never contains a secret, a code or a token.
/// </summary>
public sealed class CidaasProtocolException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public CidaasProtocolException()
        : this("The cidaas sign-in failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public CidaasProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public CidaasProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that carries an OAuth 2.0 error.</summary>
    public CidaasProtocolException(string message, string? error, string? errorDescription, string? errorUri, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        ErrorDescription = errorDescription;
        ErrorUri = errorUri;
        Data["error"] = error;
        Data["error_description"] = errorDescription;
        Data["error_uri"] = errorUri;
    }

    /// <summary>The OAuth 2.0 <c>error</c> code, when there was one.</summary>
    public string? Error { get; }

    /// <summary>The OAuth 2.0 <c>error_description</c>, when there was one.</summary>
    public string? ErrorDescription { get; }

    /// <summary>The OAuth 2.0 <c>error_uri</c>, when there was one.</summary>
    public string? ErrorUri { get; }

    /// <summary>Who has to act on the failure, when the place that raised it knows better than its id.</summary>
    internal Protocol.CidaasFailureKind? Kind { get; init; }

    /// <summary>The HTTP status code of the back-channel answer that failed, when there was one.</summary>
    public int? StatusCode
    {
        get => Data["status_code"] as int?;
        init => Data["status_code"] = value;
    }
}
