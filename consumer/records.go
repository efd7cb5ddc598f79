package consumer

import (
	"strconv"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// receiveTimeTag is the tag SLS adds when the logstore records receive
// times ("log public IP and receive time"); without it Receive stays zero.
const receiveTimeTag = "__receive_time__"

// toRecords converts one pull of a shard. Tags are shared by the records of
// a log group (they are the group's), and the fields of all records of a
// batch live in one allocation (a batch is one GC object, not thousands):
// receivers must not modify or append to them.
func toRecords(shard int, gl *sls.LogGroupList) []Record {
	n, nf := 0, 0
	for _, g := range gl.LogGroups {
		n += len(g.Logs)
		for _, l := range g.Logs {
			nf += len(l.Contents)
		}
	}
	if n == 0 {
		return nil
	}
	recs := make([]Record, 0, n)
	slab := make([]Field, nf)
	for _, g := range gl.LogGroups {
		var tags []Field
		var recv time.Time
		if len(g.LogTags) > 0 {
			tags = make([]Field, 0, len(g.LogTags))
			for _, t := range g.LogTags {
				tags = append(tags, Field{Key: t.GetKey(), Value: t.GetValue()})
				if t.GetKey() == receiveTimeTag {
					if s, err := strconv.ParseInt(t.GetValue(), 10, 64); err == nil {
						recv = time.Unix(s, 0)
					}
				}
			}
		}
		topic, source := g.GetTopic(), g.GetSource()
		for _, l := range g.Logs {
			fields := slab[:len(l.Contents):len(l.Contents)]
			slab = slab[len(l.Contents):]
			for i, c := range l.Contents {
				fields[i] = Field{Key: c.GetKey(), Value: c.GetValue()}
			}
			recs = append(recs, Record{
				Shard:   shard,
				Time:    time.Unix(int64(l.GetTime()), int64(l.GetTimeNs())),
				Receive: recv,
				Topic:   topic,
				Source:  source,
				Tags:    tags,
				Fields:  fields,
			})
		}
	}
	return recs
}
