package page

import (
	"embed"

	"sessionplayer.studio/fitcheck/web/httpx"
)

//go:embed static
var staticFiles embed.FS

// Assets are the stylesheets, icon and scripts every page links to.
var Assets = mustAssets()

func mustAssets() *httpx.Assets {
	a, err := httpx.NewAssets(staticFiles, "static")
	if err != nil {
		panic(err) // the files are embedded: this cannot fail at run time
	}
	return a
}

// AssetURL is the fingerprinted address of an embedded static file.
func AssetURL(name string) string { return Assets.URL(name) }
