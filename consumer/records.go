package consumer

import (
	"strconv"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// receiveTimeTag is the tag SLS adds when the logstore records receive
// times ("log public IP and receive time"); without it Receive stays zero.
const receiveTimeTag = "__receive_time__"

// toRecords turns one pull of a shard into records that read their fields
// from the SDK's decoded logs. It runs on the SDK's shard worker, between
// one pull and the next, so it touches no field: the SDK drops the list
// once Process returns, and the records are then its only owners.
func toRecords(shard int, gl *sls.LogGroupList) []Record {
	n := 0
	for _, g := range gl.LogGroups {
		n += len(g.Logs)
	}
	if n == 0 {
		return nil
	}
	recs := make([]Record, 0, n)
	for _, g := range gl.LogGroups {
		if len(g.Logs) == 0 {
			continue
		}
		grp := newGroup(g)
		for _, l := range g.Logs {
			recs = append(recs, Record{
				Shard: shard,
				Time:  time.Unix(int64(l.GetTime()), int64(l.GetTimeNs())),
				group: grp,
				log:   l,
			})
		}
	}
	return recs
}

func newGroup(g *sls.LogGroup) *Group {
	grp := &Group{Topic: g.GetTopic(), Source: g.GetSource()}
	if len(g.LogTags) > 0 {
		grp.Tags = make([]Field, 0, len(g.LogTags))
		for _, t := range g.LogTags {
			grp.Tags = append(grp.Tags, Field{Key: t.GetKey(), Value: t.GetValue()})
			if t.GetKey() == receiveTimeTag {
				if s, err := strconv.ParseInt(t.GetValue(), 10, 64); err == nil {
					grp.Receive = time.Unix(s, 0)
				}
			}
		}
	}
	return grp
}
