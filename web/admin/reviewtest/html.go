package reviewtest

import (
	"strings"

	"golang.org/x/net/html"
)

// Walk calls fn on n and, while fn returns true, on its descendants.
func Walk(n *html.Node, fn func(*html.Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		Walk(c, fn)
	}
}

// Attr is n's attribute key, or "".
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TextOf is the text in n, its white space collapsed.
func TextOf(n *html.Node) string {
	var b strings.Builder
	Walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return true
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// ByTestID is the first element with the data-testid, or nil.
func ByTestID(doc *html.Node, id string) *html.Node {
	var found *html.Node
	Walk(doc, func(n *html.Node) bool {
		if found == nil && n.Type == html.ElementNode && Attr(n, "data-testid") == id {
			found = n
		}
		return found == nil
	})
	return found
}

// AllByTestID is every element with the data-testid, in order.
func AllByTestID(doc *html.Node, id string) []*html.Node {
	var out []*html.Node
	Walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && Attr(n, "data-testid") == id {
			out = append(out, n)
		}
		return true
	})
	return out
}

// CountTestIDs counts the elements with the data-testid.
func CountTestIDs(doc *html.Node, id string) int { return len(AllByTestID(doc, id)) }

// Texts lists the text of every element with the class.
func Texts(doc *html.Node, class string) []string {
	var out []string
	Walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && hasClass(n, class) {
			out = append(out, TextOf(n))
		}
		return true
	})
	return out
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(Attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// FindForm is the first form posting to action, or nil.
func FindForm(doc *html.Node, action string) *html.Node {
	var found *html.Node
	Walk(doc, func(n *html.Node) bool {
		if found == nil && n.Type == html.ElementNode && n.Data == "form" && Attr(n, "action") == action {
			found = n
		}
		return found == nil
	})
	return found
}

// FindLink is the first link in n to href, or nil.
func FindLink(n *html.Node, href string) *html.Node {
	var found *html.Node
	Walk(n, func(x *html.Node) bool {
		if x.Data == "a" && Attr(x, "href") == href {
			found = x
		}
		return found == nil
	})
	return found
}

// Items lists a list's items: their text, or the attribute named.
func Items(list *html.Node, attribute string) []string {
	var out []string
	Walk(list, func(n *html.Node) bool {
		if n.Data == "li" {
			if attribute != "" {
				out = append(out, Attr(n, attribute))
			} else {
				out = append(out, TextOf(n))
			}
		}
		return true
	})
	return out
}

// RowsOf lists the cells' text of each row in a table (or of one row).
func RowsOf(n *html.Node) [][]string {
	var rows [][]string
	Walk(n, func(x *html.Node) bool {
		if x.Data == "tr" {
			var cells []string
			Walk(x, func(c *html.Node) bool {
				if c.Data == "td" || c.Data == "th" {
					cells = append(cells, TextOf(c))
					return false
				}
				return true
			})
			rows = append(rows, cells)
			return false
		}
		return true
	})
	return rows
}
