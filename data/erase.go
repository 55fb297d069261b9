package data

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// checkpointAfterDelete moves what is in the WAL into the database file and
// empties the WAL. With secure_delete (see DSN) a committed delete has
// zeroed the deleted text in the newest copy of each page, but older copies
// of those pages, written when the text was saved, stay in the WAL until it
// is checkpointed: TRUNCATE writes the newest pages into the file and cuts
// the WAL to zero bytes, so the text is then nowhere in either file.
//
// It runs after the delete has committed, so a failure cannot undo the
// delete and is no reason to tell the visitor it failed: it is logged, and
// the next delete or hourly sweep checkpoints again. It is not cut short
// when the request ends; busy_timeout bounds how long it waits for readers.
func (s *Store) checkpointAfterDelete(ctx context.Context, what string) {
	ctx = context.WithoutCancel(ctx)
	if err := s.checkpoint(ctx); err != nil {
		s.log.WarnContext(ctx, "deleted text may stay in the WAL until the next checkpoint",
			slog.String("deleted", what), slog.Any("error", err))
	}
}

// errCheckpointBusy is a checkpoint that readers kept from finishing.
var errCheckpointBusy = errors.New("readers kept the checkpoint from finishing")

func (s *Store) checkpoint(ctx context.Context) error {
	if s.d.postgres() {
		// PostgreSQL has no WAL file of ours to empty. Its dead row
		// versions stay in the table's pages until (auto)VACUUM reuses
		// them, which fitcheck leaves to the server: docs/deploy.md says
		// so.
		return nil
	}
	var busy, walFrames, copied int
	if err := s.wdb.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &walFrames, &copied); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint: %w", errCheckpointBusy)
	}
	return nil
}
