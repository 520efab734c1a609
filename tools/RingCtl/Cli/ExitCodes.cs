namespace RingCtl.Cli;

/// <summary>ringctl's documented exit codes (README "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>A bug in ringctl: an unexpected exception (the message says where to look).</summary>
    public const int Internal = 1;

    /// <summary>Bad usage or invalid input (arguments, config files, lock files): nothing was changed.</summary>
    public const int Usage = 2;

    /// <summary>A policy found violations (lint, plan).</summary>
    public const int PolicyViolation = 3;

    /// <summary>A promotion gate refused the operation.</summary>
    public const int GateRefused = 4;

    /// <summary>Conflict or busy: another operation holds the ring, or the state moved underneath.</summary>
    public const int Conflict = 5;

    /// <summary>Infrastructure failure: Pulumi, the database, the cluster or the file system.</summary>
    public const int Infrastructure = 6;
}
