// Command terraform-provider-xacctref is the benchmark's reference point: the smallest
// honest Go provider. It is served by hashicorp/go-plugin over tfplugin6 with AutoMTLS,
// as every Go provider is, and answers with xacct's own schema (schema.pb, the encoded
// GetProviderSchema answer xacct gives, written by xacct-bench --dump-schema before the
// build), so that both providers send the same bytes and decode the same values.
// What it does per call is the floor of a Go provider: cty's msgpack codec against the
// schema's implied types, required attributes checked, computed attributes planned
// unknown. No framework, no AWS. bench/goref/build.sh builds it offline from Debian's
// Go packages in GOPATH mode.
package main

import (
	"context"
	_ "embed"
	"os"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	tf6 "xacctref/tfplugin6"
)

//go:embed schema.pb
var schemaPB []byte

type plugin6 struct {
	plugin.NetRPCUnsupportedPlugin
	p *provider
}

func (p plugin6) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	tf6.RegisterProviderServer(s, p.p)
	return nil
}

func (plugin6) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (interface{}, error) {
	return nil, nil
}

func main() {
	p, err := newProvider(schemaPB)
	if err != nil {
		os.Stderr.WriteString("xacctref: " + err.Error() + "\n")
		os.Exit(1)
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  6,
			MagicCookieKey:   "TF_PLUGIN_MAGIC_COOKIE",
			MagicCookieValue: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		},
		VersionedPlugins: map[int]plugin.PluginSet{6: {"provider": plugin6{p: p}}},
		GRPCServer:       plugin.DefaultGRPCServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name: "xacctref", Level: hclog.Info, Output: os.Stderr, JSONFormat: true,
		}),
	})
}
