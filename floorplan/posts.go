package floorplan

import "github.com/google/uuid"

// PersonPost is a post with the person who holds it, as the stores read posts: apart from the people
// they belong to, for AttachPosts to put on them.
type PersonPost struct {
	PersonID uuid.UUID
	Post     Post
}

// AttachPosts appends each post to the Posts of the person who holds it among people, in the order of
// posts; a post of someone not among people is left out.
func AttachPosts(people []Person, posts []PersonPost) {
	idx := make(map[uuid.UUID]int, len(people))
	for i, p := range people {
		idx[p.ID] = i
	}
	for _, pp := range posts {
		if i, ok := idx[pp.PersonID]; ok {
			people[i].Posts = append(people[i].Posts, pp.Post)
		}
	}
}

// ClonePosts returns a copy of posts that is never nil, for a store to fill in the ids of new posts
// without touching the caller's slice until its write succeeds.
func ClonePosts(posts []Post) []Post {
	return append([]Post{}, posts...)
}
