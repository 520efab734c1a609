namespace RingCtl.Registry;

/// <summary>The registry refused or could not do something; the message says what, in the registry's terms.</summary>
public sealed class RegistryException : Exception
{
    public RegistryException(string message)
        : base(message)
    {
    }

    public RegistryException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
