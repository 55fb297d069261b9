// Package desk is where the owner works through the assessments: the list
// (filters, sort orders, grouped takes), each assessment's page with its
// pre-call brief, the follow-up status, private notes, the after-the-call
// calibration, its notifications (and sending a failed one again), delete,
// and the CSV export.
package desk

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/page"
)

// Store is what the desk needs from storage.
type Store interface {
	ListAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Summary, int, error)
	// ExportRows calls fn with each assessment matching f, newest first,
	// as the CSV export writes it, reading a batch at a time.
	ExportRows(ctx context.Context, f assessment.Filter, fn func(*assessment.ExportRow) error) error
	FindAssessmentByID(ctx context.Context, id int64) (*assessment.Assessment, error)
	UpdateStatus(ctx context.Context, id int64, status assessment.Status, now time.Time) error
	AddNote(ctx context.Context, n *assessment.Note) error
	ListNotes(ctx context.Context, assessmentID int64) ([]assessment.Note, error)
	ListMessages(ctx context.Context, assessmentID int64) ([]assessment.Message, error)
	// DeleteAssessment must also forget any page kept of the assessment.
	DeleteAssessment(ctx context.Context, id int64) error
	RecordCalibration(ctx context.Context, c assessment.Calibration) error
	// FindCalibration is assessment.ErrNotFound when none is recorded.
	FindCalibration(ctx context.Context, assessmentID int64) (*assessment.Calibration, error)
	ListDeliveries(ctx context.Context, assessmentID int64) ([]assessment.Delivery, error)
	RedeliverDelivery(ctx context.Context, id int64, now time.Time) error
}

// Handler serves the desk. Its exported methods are what the site's route
// table names; every one expects the owner signed in (frame.CurrentOwner).
type Handler struct {
	area  *frame.Area
	store Store
}

// New builds the desk.
func New(area *frame.Area, store Store) (*Handler, error) {
	if area == nil || store == nil {
		return nil, errors.New("desk: the review area and a store are required")
	}
	return &Handler{area: area, store: store}, nil
}

// assessmentID reads {id} from the URL; junk is simply not found.
func assessmentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, page.NotFound()
	}
	return id, nil
}

func (h *Handler) findAssessment(r *http.Request) (*assessment.Assessment, error) {
	id, err := assessmentID(r)
	if err != nil {
		return nil, err
	}
	return h.store.FindAssessmentByID(r.Context(), id)
}
