package api

import (
	"net/http"

	"officemap/floorplan"
)

// The classification of properties in force (floorplan/classification.go): GET /api/v1/classification
// gives its groups and categories with their Chinese and English names, to any signed-in user, so that the
// browser names a site's or a building's kind from the deployment's list rather than a copy of its own.

// classificationJSON is the classification on the wire.
type classificationJSON struct {
	Groups []categoryGroupJSON `json:"groups"`
}

// categoryGroupJSON is a group of categories (office, residential, commercial…).
type categoryGroupJSON struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	NameEN     string         `json:"name_en"`
	Categories []categoryJSON `json:"categories"`
}

// categoryJSON is a category: Site.category and Building.category hold its code.
type categoryJSON struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// classification returns the classification in force (Config.Classification).
func (s *Server) classification() floorplan.Classification {
	if s.cfg.Classification != nil {
		return *s.cfg.Classification
	}
	return floorplan.BuiltinClassification()
}

func classificationOut(c floorplan.Classification) classificationJSON {
	out := classificationJSON{Groups: make([]categoryGroupJSON, 0, len(c.Groups))}
	for _, g := range c.Groups {
		gj := categoryGroupJSON{Code: g.Code, Name: g.Name, NameEN: g.NameEN, Categories: make([]categoryJSON, 0, len(g.Categories))}
		for _, cat := range g.Categories {
			gj.Categories = append(gj.Categories, categoryJSON{Code: cat.Code, Name: cat.Name, NameEN: cat.NameEN})
		}
		out.Groups = append(out.Groups, gj)
	}
	return out
}

// getClassification serves GET /api/v1/classification.
func (s *Server) getClassification(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, classificationOut(s.classification()))
}
