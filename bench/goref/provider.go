package main

// The tfplugin6 methods the benchmark calls, on xacct's schema.

import (
	"context"
	"fmt"

	"github.com/golang/protobuf/proto"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"github.com/zclconf/go-cty/cty/msgpack"

	tf6 "xacctref/tfplugin6"
)

type provider struct {
	tf6.UnimplementedProviderServer
	schema       *tf6.GetProviderSchema_Response
	providerType cty.Type
	types        map[string]cty.Type
}

func newProvider(encoded []byte) (*provider, error) {
	s := &tf6.GetProviderSchema_Response{}
	if err := proto.Unmarshal(encoded, s); err != nil {
		return nil, fmt.Errorf("schema.pb: %v", err)
	}
	p := &provider{schema: s, types: map[string]cty.Type{}}
	var err error
	if p.providerType, err = impliedType(s.Provider.GetBlock()); err != nil {
		return nil, err
	}
	for name, rs := range s.ResourceSchemas {
		if p.types[name], err = impliedType(rs.GetBlock()); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	return p, nil
}

func impliedType(b *tf6.Schema_Block) (cty.Type, error) {
	attrs := map[string]cty.Type{}
	for _, a := range b.GetAttributes() {
		t, err := ctyjson.UnmarshalType(a.Type)
		if err != nil {
			return cty.NilType, fmt.Errorf("attribute %s: %v", a.Name, err)
		}
		attrs[a.Name] = t
	}
	for _, nb := range b.GetBlockTypes() {
		t, err := impliedType(nb.Block)
		if err != nil {
			return cty.NilType, err
		}
		switch nb.Nesting {
		case tf6.Schema_NestedBlock_SINGLE, tf6.Schema_NestedBlock_GROUP:
		case tf6.Schema_NestedBlock_SET:
			t = cty.Set(t)
		case tf6.Schema_NestedBlock_MAP:
			t = cty.Map(t)
		default:
			t = cty.List(t)
		}
		attrs[nb.TypeName] = t
	}
	return cty.Object(attrs), nil
}

func errorDiag(summary, detail, attr string) *tf6.Diagnostic {
	d := &tf6.Diagnostic{Severity: tf6.Diagnostic_ERROR, Summary: summary, Detail: detail}
	if attr != "" {
		d.Attribute = &tf6.AttributePath{Steps: []*tf6.AttributePath_Step{
			{Selector: &tf6.AttributePath_Step_AttributeName{AttributeName: attr}}}}
	}
	return d
}

// decode reads a msgpack DynamicValue of type t.
func decode(v *tf6.DynamicValue, t cty.Type) (cty.Value, *tf6.Diagnostic) {
	if v == nil || len(v.Msgpack) == 0 {
		return cty.NullVal(t), nil
	}
	val, err := msgpack.Unmarshal(v.Msgpack, t)
	if err != nil {
		return cty.NilVal, errorDiag("Invalid value", err.Error(), "")
	}
	return val, nil
}

// checkRequired reports every required attribute that is null in config.
func checkRequired(b *tf6.Schema_Block, config cty.Value) []*tf6.Diagnostic {
	var out []*tf6.Diagnostic
	for _, a := range b.GetAttributes() {
		if a.Required && config.GetAttr(a.Name).IsNull() {
			out = append(out, errorDiag("Missing required argument",
				fmt.Sprintf("The argument %q is required.", a.Name), a.Name))
		}
	}
	return out
}

func (p *provider) GetMetadata(context.Context, *tf6.GetMetadata_Request) (*tf6.GetMetadata_Response, error) {
	r := &tf6.GetMetadata_Response{ServerCapabilities: p.schema.ServerCapabilities}
	for name := range p.schema.ResourceSchemas {
		r.Resources = append(r.Resources, &tf6.GetMetadata_ResourceMetadata{TypeName: name})
	}
	return r, nil
}

func (p *provider) GetProviderSchema(context.Context, *tf6.GetProviderSchema_Request) (*tf6.GetProviderSchema_Response, error) {
	return p.schema, nil
}

func (p *provider) ValidateProviderConfig(_ context.Context, r *tf6.ValidateProviderConfig_Request) (*tf6.ValidateProviderConfig_Response, error) {
	_, d := decode(r.Config, p.providerType)
	resp := &tf6.ValidateProviderConfig_Response{}
	if d != nil {
		resp.Diagnostics = append(resp.Diagnostics, d)
	}
	return resp, nil
}

func (p *provider) ConfigureProvider(_ context.Context, r *tf6.ConfigureProvider_Request) (*tf6.ConfigureProvider_Response, error) {
	_, d := decode(r.Config, p.providerType)
	resp := &tf6.ConfigureProvider_Response{}
	if d != nil {
		resp.Diagnostics = append(resp.Diagnostics, d)
	}
	return resp, nil
}

func (p *provider) ValidateResourceConfig(_ context.Context, r *tf6.ValidateResourceConfig_Request) (*tf6.ValidateResourceConfig_Response, error) {
	resp := &tf6.ValidateResourceConfig_Response{}
	t, ok := p.types[r.TypeName]
	if !ok {
		resp.Diagnostics = append(resp.Diagnostics, errorDiag("Unknown resource type", r.TypeName, ""))
		return resp, nil
	}
	config, d := decode(r.Config, t)
	if d != nil {
		resp.Diagnostics = append(resp.Diagnostics, d)
		return resp, nil
	}
	resp.Diagnostics = checkRequired(p.schema.ResourceSchemas[r.TypeName].Block, config)
	return resp, nil
}

// PlanResourceChange plans a create or an update: the proposed new state, with every
// computed attribute the configuration leaves null unknown on create and kept from the
// prior state on update.
func (p *provider) PlanResourceChange(_ context.Context, r *tf6.PlanResourceChange_Request) (*tf6.PlanResourceChange_Response, error) {
	resp := &tf6.PlanResourceChange_Response{PlannedPrivate: r.PriorPrivate}
	t, ok := p.types[r.TypeName]
	if !ok {
		resp.Diagnostics = append(resp.Diagnostics, errorDiag("Unknown resource type", r.TypeName, ""))
		return resp, nil
	}
	prior, d1 := decode(r.PriorState, t)
	proposed, d2 := decode(r.ProposedNewState, t)
	config, d3 := decode(r.Config, t)
	for _, d := range []*tf6.Diagnostic{d1, d2, d3} {
		if d != nil {
			resp.Diagnostics = append(resp.Diagnostics, d)
		}
	}
	if resp.Diagnostics != nil || proposed.IsNull() {
		resp.PlannedState = r.ProposedNewState
		return resp, nil
	}
	attrs := proposed.AsValueMap()
	for _, a := range p.schema.ResourceSchemas[r.TypeName].Block.GetAttributes() {
		if !a.Computed || !config.GetAttr(a.Name).IsNull() {
			continue
		}
		if prior.IsNull() {
			attrs[a.Name] = cty.UnknownVal(attrs[a.Name].Type())
		} else {
			attrs[a.Name] = prior.GetAttr(a.Name)
		}
	}
	planned, err := msgpack.Marshal(cty.ObjectVal(attrs), t)
	if err != nil {
		resp.Diagnostics = append(resp.Diagnostics, errorDiag("Cannot encode the plan", err.Error(), ""))
		return resp, nil
	}
	resp.PlannedState = &tf6.DynamicValue{Msgpack: planned}
	return resp, nil
}

func (p *provider) StopProvider(context.Context, *tf6.StopProvider_Request) (*tf6.StopProvider_Response, error) {
	return &tf6.StopProvider_Response{}, nil
}
