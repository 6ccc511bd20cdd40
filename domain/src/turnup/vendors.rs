//! One renderer per router platform, all from the same [`RouterConfig`].

use std::fmt::Write;

use super::{RouteServerPeer, RouterConfig};

/// Text from configuration that ends up in a comment: one line, no comment terminators.
fn comment(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() && *c != '*').collect()
}

/// A symbol for the route server in platforms that allow only letters, digits and `_`.
fn symbol(rs: &RouteServerPeer) -> String {
    rs.name.replace('-', "_")
}

/// The header every snippet starts with, behind the platform's comment marker.
fn header(c: &RouterConfig, marker: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{marker} {} ({}): sessions with the route servers.", comment(&c.network_name), c.network_id);
    let _ = writeln!(out, "{marker} Your address on the peering LAN: {}/{} (AS{}).", c.member_address, c.lan_prefix_length, c.member_asn);
    let _ = writeln!(
        out,
        "{marker} The route servers accept up to {} IPv4 and {} IPv6 prefixes from you.",
        c.max_prefixes_v4, c.max_prefixes_v6
    );
    if c.route_servers.iter().any(|rs| rs.address.is_ipv6()) {
        let _ = writeln!(out, "{marker} IPv4 routes ride on the IPv6 sessions with IPv6 next hops (RFC 8950).");
    }
    let _ = writeln!(out, "{marker} Nothing is announced until you list your own prefixes in the outbound policy.");
    out
}

pub(super) fn bird(c: &RouterConfig) -> String {
    let mut out = header(c, "#");
    let _ = writeln!(out, "\n# Announce your own prefixes only: list them here.");
    let _ = writeln!(out, "filter ztix_out {{\n  # if net ~ [ 192.0.2.0/24, 2001:db8:100::/48 ] then accept;\n  reject;\n}}");
    for (rs, v6) in c.sessions() {
        let _ = writeln!(out, "\nprotocol bgp ztix_{} {{", symbol(rs));
        let _ = writeln!(out, "  description \"ZT-IX {}\";", rs.name);
        let _ = writeln!(out, "  local {} as {};", c.member_address, c.member_asn);
        let _ = writeln!(out, "  neighbor {} as {};", rs.address, rs.asn);
        let channel = |out: &mut String, family: &str, extended: bool| {
            let _ = writeln!(out, "  {family} {{");
            if extended {
                let _ = writeln!(out, "    extended next hop on;");
            }
            let _ = writeln!(out, "    import all;\n    export filter ztix_out;\n  }};");
        };
        if v6 {
            channel(&mut out, "ipv6", false);
            channel(&mut out, "ipv4", true);
        } else {
            channel(&mut out, "ipv4", false);
        }
        let _ = writeln!(out, "}}");
    }
    out
}

pub(super) fn frr(c: &RouterConfig) -> String {
    let mut out = header(c, "!");
    let _ = writeln!(out, "! Announce your own prefixes only: permit them in ZTIX-OUT.");
    let _ = writeln!(out, "route-map ZTIX-IN permit 10\n!\nroute-map ZTIX-OUT deny 100\n!");
    let _ = writeln!(out, "router bgp {}", c.member_asn);
    for (rs, _) in c.sessions() {
        let a = rs.address;
        let _ = writeln!(out, " neighbor {a} remote-as {}", rs.asn);
        let _ = writeln!(out, " neighbor {a} description ZT-IX {}", rs.name);
        let _ = writeln!(out, " no neighbor {a} enforce-first-as");
        if a.is_ipv6() {
            let _ = writeln!(out, " neighbor {a} capability extended-nexthop");
        }
    }
    for family in ["ipv4", "ipv6"] {
        let _ = writeln!(out, " !\n address-family {family} unicast");
        for (rs, v6) in c.sessions() {
            if family == "ipv6" && !v6 {
                continue;
            }
            let a = rs.address;
            let _ = writeln!(out, "  neighbor {a} activate\n  neighbor {a} route-map ZTIX-IN in\n  neighbor {a} route-map ZTIX-OUT out");
        }
        let _ = writeln!(out, " exit-address-family");
    }
    let _ = writeln!(out, "!");
    out
}

pub(super) fn junos(c: &RouterConfig) -> String {
    let mut out = header(c, "#");
    let _ = writeln!(out, "# Announce your own prefixes only: accept them in ZTIX-OUT before the final reject.");
    let _ = writeln!(out, "policy-options {{");
    let _ = writeln!(out, "    policy-statement ZTIX-IN {{\n        then accept;\n    }}");
    let _ = writeln!(out, "    policy-statement ZTIX-OUT {{\n        then reject;\n    }}\n}}");
    let _ = writeln!(out, "protocols {{\n    bgp {{\n        group ZTIX-RS {{");
    let _ = writeln!(out, "            type external;\n            local-address {};", c.member_address);
    let _ = writeln!(out, "            import ZTIX-IN;\n            export ZTIX-OUT;");
    for (rs, v6) in c.sessions() {
        let _ = writeln!(out, "            neighbor {} {{", rs.address);
        let _ = writeln!(out, "                description \"ZT-IX {}\";\n                peer-as {};", rs.name, rs.asn);
        if v6 {
            let _ = writeln!(out, "                family inet {{\n                    unicast {{\n                        extended-nexthop;\n                    }}\n                }}");
            let _ = writeln!(out, "                family inet6 {{\n                    unicast;\n                }}");
        } else {
            let _ = writeln!(out, "                family inet {{\n                    unicast;\n                }}");
        }
        let _ = writeln!(out, "            }}");
    }
    let _ = writeln!(out, "        }}\n    }}\n}}");
    out
}

pub(super) fn ios_xr(c: &RouterConfig) -> String {
    let mut out = header(c, "!");
    let _ = writeln!(out, "! Announce your own prefixes only: pass them in ZTIX-OUT before the final drop.");
    let _ = writeln!(out, "route-policy ZTIX-IN\n  pass\nend-policy\n!\nroute-policy ZTIX-OUT\n  drop\nend-policy\n!");
    let _ = writeln!(out, "router bgp {}\n bgp enforce-first-as disable", c.member_asn);
    for family in ["ipv4", "ipv6"] {
        let _ = writeln!(out, " address-family {family} unicast\n !");
    }
    for (rs, v6) in c.sessions() {
        let _ = writeln!(out, " neighbor {}\n  remote-as {}\n  description ZT-IX {}", rs.address, rs.asn, rs.name);
        let families: &[&str] = if v6 { &["ipv4", "ipv6"] } else { &["ipv4"] };
        for family in families {
            let _ = writeln!(out, "  address-family {family} unicast");
            let _ = writeln!(out, "   route-policy ZTIX-IN in\n   route-policy ZTIX-OUT out");
            if v6 && *family == "ipv4" {
                let _ = writeln!(out, "   ! IPv4 over this IPv6 session needs IOS XR 7.x or later (RFC 8950)");
            }
            let _ = writeln!(out, "  !");
        }
        let _ = writeln!(out, " !");
    }
    let _ = writeln!(out, "!");
    out
}

pub(super) fn eos(c: &RouterConfig) -> String {
    let mut out = header(c, "!");
    let _ = writeln!(out, "! Announce your own prefixes only: permit them in ZTIX-OUT.");
    let _ = writeln!(out, "route-map ZTIX-IN permit 10\n!\nroute-map ZTIX-OUT deny 100\n!");
    let _ = writeln!(out, "router bgp {}", c.member_asn);
    for (rs, _) in c.sessions() {
        let a = rs.address;
        let _ = writeln!(out, "   neighbor {a} remote-as {}", rs.asn);
        let _ = writeln!(out, "   neighbor {a} description ZT-IX {}", rs.name);
        let _ = writeln!(out, "   no neighbor {a} enforce-first-as");
        let _ = writeln!(out, "   neighbor {a} route-map ZTIX-IN in\n   neighbor {a} route-map ZTIX-OUT out");
    }
    for family in ["ipv4", "ipv6"] {
        let _ = writeln!(out, "   !\n   address-family {family}");
        for (rs, v6) in c.sessions() {
            if family == "ipv6" && !v6 {
                continue;
            }
            let _ = writeln!(out, "      neighbor {} activate", rs.address);
            if family == "ipv4" && v6 {
                let _ = writeln!(out, "      neighbor {} next-hop address-family ipv6 originate", rs.address);
            }
        }
    }
    let _ = writeln!(out, "!");
    out
}

pub(super) fn routeros(c: &RouterConfig) -> String {
    let mut out = header(c, "#");
    let _ = writeln!(out, "# Announce your own prefixes only: accept them in ztix-out before the final reject.");
    let _ = writeln!(out, "/routing filter rule");
    let _ = writeln!(out, "add chain=ztix-in rule=\"accept\"");
    let _ = writeln!(out, "add chain=ztix-out rule=\"reject\"");
    let _ = writeln!(out, "/routing bgp connection");
    for (rs, v6) in c.sessions() {
        let families = if v6 { "ip,ipv6" } else { "ip" };
        let _ = writeln!(
            out,
            "add name=ztix-{} as={} local.address={} local.role=ebgp remote.address={} remote.as={} \
             address-families={families} input.filter=ztix-in output.filter-chain=ztix-out comment=\"ZT-IX {}\"",
            rs.name, c.member_asn, c.member_address, rs.address, rs.asn, rs.name
        );
    }
    out
}
