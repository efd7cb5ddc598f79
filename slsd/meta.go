package slsd

import (
	"encoding/json"
	"strconv"
	"strings"
)

// projectJSON is a project as SLS serializes it; createTime and
// lastModifyTime are strings here (the SDK's LogProject fails on numbers).
type projectJSON struct {
	Name           string `json:"projectName"`
	Description    string `json:"description"`
	Status         string `json:"status"`
	Owner          string `json:"owner"`
	Region         string `json:"region"`
	Location       string `json:"location"`
	CreateTime     string `json:"createTime"`
	LastModifyTime string `json:"lastModifyTime"`
	Redundancy     string `json:"dataRedundancyType,omitempty"`
}

func (s *Server) projectJSON(p *project) projectJSON {
	p.mu.RLock()
	defer p.mu.RUnlock()
	region := s.cfg.Region
	if region == "" {
		region = "local"
	}
	return projectJSON{
		Name: p.name, Description: p.desc, Status: "Normal", Region: region, Location: region,
		CreateTime:     strconv.FormatInt(p.created.Unix(), 10),
		LastModifyTime: strconv.FormatInt(p.modified.Unix(), 10),
		Redundancy:     p.redundancy,
	}
}

func (s *Server) listProjects(c *call) error {
	offset, size, err := paging(c, 100)
	if err != nil {
		return err
	}
	all := s.store.projectList()
	page := []projectJSON{}
	for i := offset; i < len(all) && len(page) < size; i++ {
		page = append(page, s.projectJSON(all[i]))
	}
	return writeJSON(c, map[string]any{"count": len(page), "total": len(all), "projects": page})
}

func paging(c *call, defSize int) (offset, size int, err error) {
	q := c.r.URL.Query()
	offset, size = 0, defSize
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, errParam("offset %s is invalid", v)
		}
	}
	if v := q.Get("size"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 0 {
			return 0, 0, errParam("size %s is invalid", v)
		}
		if size == 0 {
			size = defSize
		}
	}
	return offset, size, nil
}

func (s *Server) createProject(c *call) error {
	var body struct {
		Name        string `json:"projectName"`
		Description string `json:"description"`
		Redundancy  string `json:"dataRedundancyType"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	name := c.project
	if name == "" {
		// Node's SDK posts to the bare endpoint with the name in the body.
		name = body.Name
	}
	if body.Name != "" && body.Name != name {
		return errParam("projectName %s does not match the host's project %s", body.Name, name)
	}
	if aerr := s.store.createProject(name, body.Description, body.Redundancy); aerr != nil {
		return aerr
	}
	return writeEmpty(c)
}

func (s *Server) getProject(c *call) error {
	p, aerr := s.store.project(c.project)
	if aerr != nil {
		return aerr
	}
	return writeJSON(c, s.projectJSON(p))
}

func (s *Server) updateProject(c *call) error {
	p, aerr := s.store.project(c.project)
	if aerr != nil {
		return aerr
	}
	var body struct {
		Description string `json:"description"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	p.mu.Lock()
	p.desc = body.Description
	p.modified = s.now()
	p.mu.Unlock()
	return writeEmpty(c)
}

func (s *Server) deleteProject(c *call) error {
	if aerr := s.store.deleteProject(c.project); aerr != nil {
		return aerr
	}
	return writeEmpty(c)
}

func (s *Server) listLogstores(c *call, p *project) error {
	offset, size, err := paging(c, 500)
	if err != nil {
		return err
	}
	name := c.r.URL.Query().Get("logstoreName")
	var all []string
	for _, ls := range p.logstoreList() {
		if n := ls.name(); strings.Contains(strings.ToLower(n), strings.ToLower(name)) {
			all = append(all, n)
		}
	}
	page := []string{}
	for i := offset; i < len(all) && len(page) < size; i++ {
		page = append(page, all[i])
	}
	return writeJSON(c, map[string]any{"count": len(page), "total": len(all), "logstores": page})
}

func (s *Server) createLogstore(c *call, p *project) error {
	var m logstoreMeta
	if err := readJSON(c, &m); err != nil {
		return err
	}
	if m.ShardCount == 0 {
		m.ShardCount = DefaultShards
	}
	if aerr := p.createLogstore(m, s.now()); aerr != nil {
		return aerr
	}
	return writeEmpty(c)
}

func (s *Server) getLogstore(c *call, p *project, name string) error {
	ls, aerr := p.logstore(name)
	if aerr != nil {
		return aerr
	}
	ls.mu.RLock()
	m := ls.meta
	ls.mu.RUnlock()
	return writeJSON(c, m)
}

// updateLogstore changes what SLS lets one change; shards change only by
// SplitShard and MergeShards.
func (s *Server) updateLogstore(c *call, p *project, name string) error {
	ls, aerr := p.logstore(name)
	if aerr != nil {
		return aerr
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	var m logstoreMeta
	if json.Unmarshal(body, &fields) != nil || json.Unmarshal(body, &m) != nil {
		return errJSON("The request body is not valid JSON object.")
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if _, ok := fields["ttl"]; ok && m.TTL > 0 {
		ls.meta.TTL = m.TTL
	}
	if _, ok := fields["enable_tracking"]; ok {
		ls.meta.WebTracking = m.WebTracking
	}
	if _, ok := fields["autoSplit"]; ok {
		ls.meta.AutoSplit = m.AutoSplit
	}
	if _, ok := fields["maxSplitShard"]; ok {
		ls.meta.MaxSplitShard = m.MaxSplitShard
	}
	if _, ok := fields["appendMeta"]; ok {
		ls.meta.AppendMeta = m.AppendMeta
	}
	if _, ok := fields["hot_ttl"]; ok {
		ls.meta.HotTTL = m.HotTTL
	}
	if _, ok := fields["encrypt_conf"]; ok {
		ls.meta.EncryptConf = m.EncryptConf
	}
	ls.meta.LastModifyTime = uint32(s.now().Unix())
	return writeEmpty(c)
}

func (s *Server) deleteLogstore(c *call, p *project, name string) error {
	if aerr := p.deleteLogstore(name); aerr != nil {
		return aerr
	}
	return writeEmpty(c)
}

func (s *Server) listShards(c *call, ls *logstore) error {
	return writeJSON(c, ls.shardInfos())
}

// getCursor answers from=begin|end|<unix seconds> over the shard's retained
// span, by server receive time.
func (s *Server) getCursor(c *call, sh *shard) error {
	from := c.r.URL.Query().Get("from")
	first, end := sh.span()
	var i int64
	switch from {
	case "begin":
		i = first
	case "end":
		i = end
	default:
		t, err := strconv.ParseInt(from, 10, 64)
		if err != nil || t < 0 || t > 1<<40 {
			return errParam("Parameter From is not valid")
		}
		i = sh.indexAt(t)
		if i < first {
			i = first
		}
	}
	return writeJSON(c, map[string]string{"cursor": encodeCursor(sh.base + i)})
}

func (s *Server) getCursorTime(c *call, sh *shard) error {
	cur := c.r.URL.Query().Get("cursor")
	i, aerr := sh.cursorIndex(cur)
	if aerr != nil {
		return aerr
	}
	return writeJSON(c, map[string]int64{"cursor_time": sh.recvAt(i)})
}
