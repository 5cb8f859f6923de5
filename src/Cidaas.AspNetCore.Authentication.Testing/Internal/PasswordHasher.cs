using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// Checks passwords against salted PBKDF2 hashes. <see cref="CidaasEmulatorOptions.Users"/> is a plain list,
/// so a user's password is hashed the first time it is needed (and again if the property is changed).
/// </summary>
internal sealed class PasswordHasher
{
    private const int Iterations = 100_000;
    private const int SaltSize = 16;
    private const int HashSize = 32;
    private static readonly byte[] DummySalt = RandomNumberGenerator.GetBytes(SaltSize);

    private readonly ConditionalWeakTable<CidaasEmulatorUser, Entry> _hashes = [];

    public bool Verify(CidaasEmulatorUser? user, string password)
    {
        if (user is null || string.IsNullOrEmpty(user.Password))
        {
            // Same work for unknown users, so that timing does not tell which usernames exist.
            _ = Hash(password, DummySalt);
            return false;
        }

        var entry = GetEntry(user);
        return CryptographicOperations.FixedTimeEquals(Hash(password, entry.Salt), entry.Hash);
    }

    private Entry GetEntry(CidaasEmulatorUser user)
    {
        // The entry remembers which string instance it hashed (the one the user object holds anyway),
        // so that a changed Password property is noticed.
        if (_hashes.TryGetValue(user, out var entry) && ReferenceEquals(entry.Source, user.Password))
        {
            return entry;
        }

        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        entry = new Entry(user.Password, salt, Hash(user.Password, salt));
        _hashes.AddOrUpdate(user, entry);
        return entry;
    }

    private static byte[] Hash(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashSize);

    private sealed record Entry(string Source, byte[] Salt, byte[] Hash);
}
