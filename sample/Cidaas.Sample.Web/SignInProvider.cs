namespace Cidaas.Sample.Web;

/// <summary>What the pages tell about the identity provider: its address, and the demo users when it is the emulator.</summary>
/// <param name="Authority">The cidaas base URL.</param>
/// <param name="IsEmulator">Whether it is the embedded cidaas emulator.</param>
/// <param name="DemoUsers">The emulator's users; empty for a real tenant.</param>
public sealed record SignInProvider(string Authority, bool IsEmulator, IReadOnlyList<DemoUser> DemoUsers);

/// <summary>A user of the embedded emulator, shown on the home page.</summary>
/// <param name="Username">The login name.</param>
/// <param name="Password">The demo password.</param>
/// <param name="Description">Roles and groups, in words.</param>
public sealed record DemoUser(string Username, string Password, string Description);
