namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>Why a key set fetched from the JWKS endpoint cannot be used.</summary>
internal enum CidaasJwksProblem
{
    /// <summary>The endpoint answered with a status outside 2xx.</summary>
    Status,

    /// <summary>The answer is not a JSON key set.</summary>
    NotJson,

    /// <summary>The key set holds no key that can verify a signature.</summary>
    NoSigningKeys,
}
