namespace RingInfra.Core.Shared;

/// <summary>How a generated app secret is made.</summary>
public enum SecretKind
{
    /// <summary>Laravel's APP_KEY: <c>base64:</c> + 32 random bytes (what <c>php artisan key:generate</c> writes).</summary>
    LaravelKey,

    /// <summary>A random password of letters, digits and <c>-_</c>.</summary>
    Password,

    /// <summary>An access-key id: upper-case letters and digits (MinIO / S3 style).</summary>
    AccessKeyId,
}

/// <summary>An app secret the shared stack generates with Pulumi.Random.</summary>
public sealed record GeneratedSecret(string Key, SecretKind Kind, int Length);
