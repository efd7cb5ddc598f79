package demogen

import "time"

// FailingBackend is the upstream address ("ip:port") that answers most of
// its requests with 5xx at t, during an error burst, or "" outside one.
// It lets a test check that the UI leads to the cause of a burst.
func (g *Generator) FailingBackend(t time.Time) string { return g.incidents.at(t).failing }
