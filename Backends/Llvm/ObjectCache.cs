using System.Security.Cryptography;
using System.Text;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// Object code on disk for <c>Cache = true</c>, keyed by the hash of everything that changes it: the kernel's
/// IR (which holds the lowered tree of the kernel and of every kernel it calls, the argument types, the
/// options, the CPU and its features) and the LLVM library. Entries are written atomically (a temporary file
/// renamed into place) and carry a digest of their content; a corrupt or truncated entry is recompiled,
/// never trusted. The folder is <c>JITDSL_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/jitdsl</c> or <c>~/.cache/jitdsl</c>.
/// </summary>
internal static class ObjectCache
{
    public const string EnvironmentVariable = "JITDSL_CACHE_DIR";
    private const string Magic = "JITDSL-OBJECT-1\n";
    private static readonly byte[] Header = Encoding.ASCII.GetBytes(Magic);

    public static string Folder
    {
        get
        {
            if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } explicitFolder)
                return explicitFolder;
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
            return Path.Combine(root, "jitdsl");
        }
    }

    /// <summary>The key of a module: a hash of its IR and of the LLVM that compiles it.</summary>
    public static string Key(string ir, string llvm) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Magic}{llvm}\n{ir}")));

    public static string PathOf(string key) => System.IO.Path.Combine(Folder, key + ".o");

    /// <summary>The cached object code, or null when there is none or it does not verify.</summary>
    public static byte[]? TryRead(string key)
    {
        byte[] entry;
        try
        {
            entry = File.ReadAllBytes(PathOf(key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        const int DigestLength = 32;
        if (entry.Length < Header.Length + DigestLength || !entry.AsSpan(0, Header.Length).SequenceEqual(Header))
            return null;
        var digest = entry.AsSpan(Header.Length, DigestLength);
        var code = entry.AsSpan(Header.Length + DigestLength);
        return SHA256.HashData(code).AsSpan().SequenceEqual(digest) ? code.ToArray() : null;
    }

    /// <summary>Stores object code; a failure to write only costs a later recompilation.</summary>
    public static void Write(string key, byte[] code)
    {
        var path = PathOf(key);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Folder);
            using (var file = File.Create(temporary))
            {
                file.Write(Header);
                file.Write(SHA256.HashData(code));
                file.Write(code);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }
}
