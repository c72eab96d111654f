namespace Switchyard.Storage.Postgres;

/// <summary>A round trip that carried the deferred writes of works already released in the transaction failed, so
/// those writes did not happen (PostgreSQL skips the rest of a failed batch and aborts the transaction). The writer
/// runs the transaction's works again, each RELEASE sent at once, so the failure is charged to the work that caused
/// it and no other work's writes are lost.</summary>
internal sealed class ReleasedWritesLostException(Exception cause)
    : Exception("a batch carrying writes of released works failed; the transaction is run again", cause);
