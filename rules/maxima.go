package rules

import (
	"sync"

	"sessionplayer.studio/fitcheck/assessment"
)

// The most each criterion can score depends on the questionnaire alone, yet
// working it out walks every option of every question: more than scoring
// the answers themselves. It is kept per questionnaire version (a hash of
// the content, so equal content shares it), a few versions at most.

const maximaKept = 16

var maximaCache struct {
	sync.Mutex
	byVersion map[string][]int
}

// maxima returns the most each of q's criteria can score, in q.Criteria's
// order. The slice is shared: callers must not change it.
func maxima(q *assessment.Questionnaire, index map[string]int) []int {
	if q.Version != "" {
		maximaCache.Lock()
		m, ok := maximaCache.byVersion[q.Version]
		maximaCache.Unlock()
		if ok && len(m) == len(q.Criteria) {
			return m
		}
	}
	m := make([]int, len(q.Criteria))
	for _, step := range q.Steps {
		for qi := range step.Questions {
			addMaximum(m, index, &step.Questions[qi])
		}
	}
	if q.Version != "" {
		maximaCache.Lock()
		if maximaCache.byVersion == nil || len(maximaCache.byVersion) >= maximaKept {
			maximaCache.byVersion = make(map[string][]int, maximaKept)
		}
		maximaCache.byVersion[q.Version] = m
		maximaCache.Unlock()
	}
	return m
}
