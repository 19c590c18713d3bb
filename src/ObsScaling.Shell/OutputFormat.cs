namespace ObsScaling.Shell;

internal enum OutputFormat
{
    Table,
    Json,
}
