namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>One cached introspection answer: the verdict, until when it may be used, and the answer's JSON.</summary>
internal sealed record CidaasIntrospectionEntry(bool Active, DateTimeOffset CacheUntil, ReadOnlyMemory<byte> Body);
