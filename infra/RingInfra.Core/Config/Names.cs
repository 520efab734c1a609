using System.Text.RegularExpressions;

namespace RingInfra.Core.Config;

/// <summary>Name rules shared by config, locks and the registry (DNS labels, env var names, secret-looking names).</summary>
public static partial class Names
{
    public const string DnsLabelRule = "must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 characters)";

    public const string TenantNameRule = "must be a tenant name: a DNS label of lower-case letters, digits and '-' (digits first allowed, no '-' at either end, at most 63 characters)";

    public const string EnvNameRule = "must be an environment variable name (upper-case letters, digits and '_', not starting with a digit)";

    /// <summary>RFC 1123 label that also starts with a letter (namespaces, rings, tenants, services).</summary>
    public static bool IsDnsLabel(string s) => s.Length is > 0 and <= 63 && DnsLabel().IsMatch(s);

    /// <summary>
    /// A tenant is a host name (<c>&lt;tenant&gt;.&lt;domain&gt;</c>) and a database name (<c>tenant_&lt;tenant&gt;</c>),
    /// never a Kubernetes object name, so RFC 1123 applies: it may start with a digit (<c>007</c>).
    /// </summary>
    public static bool IsTenantName(string s) => s.Length is > 0 and <= 63 && Subdomain().IsMatch(s);

    /// <summary>A DNS subdomain: dot-separated labels, at most 253 characters.</summary>
    public static bool IsDnsName(string s) => s.Length is > 0 and <= 253 && s.Split('.').All(l => l.Length is > 0 and <= 63 && Subdomain().IsMatch(l));

    /// <summary>A user name as approvers are written: letters, digits, '.', '_', '-', '@'; at most 100 characters.</summary>
    public static bool IsUserName(string s) => s.Length is > 0 and <= 100 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    public const string UserNameRule = "must be a user name (letters, digits, '.', '_', '-', '@')";

    public static bool IsEnvName(string s) => EnvName().IsMatch(s);

    /// <summary>
    /// Names that hold secrets by convention (…PASSWORD, …SECRET, …TOKEN, …_KEY, CREDENTIAL…): such values
    /// come from the shared stack's secrets, never from a ConfigMap or a literal.
    /// </summary>
    public static bool LooksSecret(string name) => SecretName().IsMatch(CamelBoundary().Replace(name, "$1_$2"));

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelBoundary();

    [GeneratedRegex("^[a-z]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[A-Z_][A-Z0-9_]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex("(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|KEY|PRIVATE|CREDENTIALS?|DSN)($|_)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
