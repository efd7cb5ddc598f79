package slsd

import (
	"math/big"
	"time"
)

// reshardLoop changes the shards of Config.Project/Config.Logstore every
// Config.SplitEvery, for demos and tests of consumers: it splits the widest
// readwrite shard in the middle, and next time merges the two halves back,
// so the readwrite count alternates between n+1 and n while readonly
// parents pile up until retention drops their data.
func (s *Server) reshardLoop(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var halves []ShardInfo // the last split's children, to merge next
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		halves = s.reshardStep(halves)
	}
}

// reshardStep merges halves if it can, else splits the widest readwrite
// shard; it returns the children of a split, nil after a merge.
func (s *Server) reshardStep(halves []ShardInfo) []ShardInfo {
	project, logstore := s.cfg.Project, s.cfg.Logstore
	if len(halves) == 2 {
		got, err := s.MergeShards(project, logstore, halves[0].ID)
		if err == nil {
			s.log.Info("slsd merged shards", "logstore", logstore, "shards", []int{got[1].ID, got[2].ID}, "into", got[0].ID)
			return nil
		}
		// Someone else changed them (through the API): split instead.
		s.log.Warn("slsd could not merge back", "err", err)
	}
	shards, err := s.Shards(project, logstore)
	if err != nil {
		s.log.Warn("slsd resharding stopped", "err", err)
		return nil
	}
	widest, width := -1, new(big.Int)
	for _, sh := range shards {
		if sh.Status != "readwrite" {
			continue
		}
		if w := keyWidth(sh); w.Cmp(width) > 0 {
			widest, width = sh.ID, w
		}
	}
	got, err := s.SplitShard(project, logstore, widest, "")
	if err != nil {
		s.log.Warn("slsd could not split", "err", err)
		return nil
	}
	s.log.Info("slsd split shard", "logstore", logstore, "shard", got[0].ID, "into", []int{got[1].ID, got[2].ID})
	return got[1:]
}

func keyWidth(sh ShardInfo) *big.Int {
	b, _ := new(big.Int).SetString(sh.BeginKey, 16)
	e, _ := new(big.Int).SetString(sh.EndKey, 16)
	if sh.EndKey == maxKey {
		e = new(big.Int).Lsh(big.NewInt(1), 128)
	}
	return e.Sub(e, b)
}
