package insight

import (
	"context"
	"net/http"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
)

// versionsView is the versions page: what is in force and how it got
// there, the one-click roll-back, and every publication with what it
// changed.
type versionsView struct {
	frame.Chrome
	InForce     string // the version in force, short
	InForceFull string
	// Published says who put it in force and when; empty when nothing is
	// published and the file the server started with is in force.
	Published string
	// FileAside is the version of the file the server was started with,
	// when a published version is in force instead of it.
	FileAside, FileFull string
	FileRestore         bool // offer to put the file back in force
	RollBack            *rollBackView
	Rows                []publicationRow
}

// rollBackView is the button that puts back the version the one in force
// replaced.
type rollBackView struct {
	To, ToShort, From string
	Undo              bool // the version in force is itself a roll-back
}

type publicationRow struct {
	Version, VersionFull string
	Verb                 string // "Published" or "Rolled back to"
	By, When             string
	Replaced             string // the version before it, short
	InForce              bool
	CanRestore           bool
	Changes              []changeGroup
	// Unreadable says why there is no list of changes.
	Unreadable string
}

type changeGroup struct {
	Area  string
	Items []string
}

// Show serves GET /admin/versions.
func (v *Versions) Show(w http.ResponseWriter, r *http.Request) error {
	pubs, err := v.store.ListPublications(r.Context(), shownPublications)
	if err != nil {
		return err
	}
	in := v.forms.InForce()
	view := versionsView{Chrome: v.area.Chrome(r, "versions"), InForce: short(in.Q.Version), InForceFull: in.Q.Version}
	if p := in.Publication; p != nil {
		view.Published = v.publishedWords(p)
		if file := v.forms.File(); file.Version != in.Q.Version {
			view.FileAside, view.FileFull = short(file.Version), file.Version
		}
		if p.Replaced != "" && p.Replaced != in.Q.Version {
			view.RollBack = &rollBackView{To: p.Replaced, ToShort: short(p.Replaced), From: in.Q.Version, Undo: p.Rollback}
		}
		// One button per destination: the roll-back may lead to the file.
		view.FileRestore = view.FileAside != "" && (view.RollBack == nil || view.RollBack.To != view.FileFull)
	}
	for i, p := range pubs {
		row := v.publicationRow(r.Context(), p, in.Q.Version)
		row.InForce = i == 0 && in.Publication != nil && p.ID == in.Publication.ID
		view.Rows = append(view.Rows, row)
	}
	v.area.Pages.Render(w, r, http.StatusOK, versionsPage(view))
	return nil
}

func (v *Versions) publishedWords(p *assessment.Publication) string {
	verb := "published"
	if p.Rollback {
		verb = "put back in force (a roll-back)"
	}
	return verb + " by " + p.By + " on " + v.area.LongTime(p.At)
}

func (v *Versions) publicationRow(ctx context.Context, p assessment.Publication, inForce string) publicationRow {
	row := publicationRow{Version: short(p.Version), VersionFull: p.Version, Verb: "Published", By: p.By, When: v.area.ShortTime(p.At),
		Replaced: short(p.Replaced), CanRestore: p.Version != inForce}
	if p.Rollback {
		row.Verb = "Rolled back to"
	}
	if p.Replaced == "" {
		row.Unreadable = "The version it replaced is not recorded."
		return row
	}
	before, err := v.forms.Load(ctx, p.Replaced)
	if err != nil {
		row.Unreadable = "The version it replaced (" + short(p.Replaced) + ") cannot be read by this build."
		return row
	}
	after, err := v.forms.Load(ctx, p.Version)
	if err != nil {
		row.Unreadable = "This version cannot be read by this build."
		row.CanRestore = false
		return row
	}
	row.Changes = groupChanges(assessment.Diff(before, after))
	return row
}

// groupChanges gathers changes under their area, in Diff's order.
func groupChanges(changes []assessment.Change) []changeGroup {
	var out []changeGroup
	for _, c := range changes {
		if n := len(out); n > 0 && out[n-1].Area == c.Area {
			out[n-1].Items = append(out[n-1].Items, c.Text)
			continue
		}
		out = append(out, changeGroup{Area: c.Area, Items: []string{c.Text}})
	}
	return out
}

// short is a version as the owner reads it: its first twelve hex digits.
func short(version string) string {
	if len(version) > 12 {
		return version[:12]
	}
	return version
}
