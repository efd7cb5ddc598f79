package tui

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// component is the contract every child of the root Model keeps, after
// soft-serve's common.Component: it updates itself from the messages the
// root routes to it (the keys of its context included) and answers with a
// command, draws itself at the size layout last gave it (View never changes
// state), and names its live key bindings so that the short and full help
// are built from them and follow any rebinding.
//
// The root only routes: a focused text field gets every key, then an open
// overlay, then the global keys, then the active log view. Sizes are handed
// out in layout, on WindowSizeMsg and whenever the chrome around the body
// changes height.
type component interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	help.KeyMap
}
