#include "models/analysis/cascade_stats.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace mailstorm::models::analysis {

double structural_virality(const std::vector<std::int64_t>& parent, std::int64_t root) {
  const auto n = static_cast<std::int64_t>(parent.size());
  if (root < 0 || root >= n) return 0;
  // Children lists in compressed form (counting sort by parent).
  std::vector<std::int64_t> start(static_cast<std::size_t>(n) + 1, 0), child(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    if (parent[static_cast<std::size_t>(i)] >= 0 && parent[static_cast<std::size_t>(i)] < n)
      ++start[static_cast<std::size_t>(parent[static_cast<std::size_t>(i)]) + 1];
  for (std::int64_t i = 0; i < n; ++i) start[static_cast<std::size_t>(i) + 1] += start[static_cast<std::size_t>(i)];
  std::vector<std::int64_t> fill(start.begin(), start.end() - 1);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t p = parent[static_cast<std::size_t>(i)];
    if (p >= 0 && p < n) child[static_cast<std::size_t>(fill[static_cast<std::size_t>(p)]++)] = i;
  }
  // Breadth-first order from the root, then subtree sizes in reverse order.
  std::vector<std::int64_t> order{root};
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto v = static_cast<std::size_t>(order[k]);
    for (std::int64_t c = start[v]; c < start[v + 1]; ++c) order.push_back(child[static_cast<std::size_t>(c)]);
  }
  const auto m = static_cast<double>(order.size());
  if (order.size() < 2) return 0;
  std::vector<double> size(static_cast<std::size_t>(n), 1.0);
  double sum = 0;
  for (std::size_t k = order.size(); k-- > 1;) {
    const auto v = static_cast<std::size_t>(order[k]);
    sum += size[v] * (m - size[v]);  // the edge v - parent(v) lies on size * (m - size) paths
    size[static_cast<std::size_t>(parent[v])] += size[v];
  }
  return sum / (m * (m - 1) / 2);
}

std::vector<CascadeRecord> read_cascade_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  std::string line;
  if (!std::getline(in, line) || line.rfind("message_id,parent_id,kind,author,generation", 0) != 0)
    throw std::runtime_error(path.string() + ":1: not a mailstorm cascade.csv header");
  std::unordered_map<std::string, MessageKind> kinds;
  for (std::size_t k = 0; k < kMessageKinds; ++k)
    kinds.emplace(std::string(kind_name(static_cast<MessageKind>(k))), static_cast<MessageKind>(k));
  std::vector<CascadeRecord> rows;
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (!line.empty() && line.back() == ',') f.emplace_back();
    auto bad = [&](const std::string& what) {
      return std::runtime_error(path.string() + ":" + std::to_string(line_no) + ": " + what);
    };
    if (f.size() < 6) throw bad("expected at least 6 fields");
    try {
      CascadeRecord r;
      r.id = std::stoll(f[0]);
      r.parent = f[1].empty() ? -1 : std::stoll(f[1]);
      const auto k = kinds.find(f[2]);
      if (k == kinds.end()) throw bad("unknown kind '" + f[2] + "'");
      r.kind = k->second;
      r.author = f[3].empty() ? -1 : std::stoll(f[3]);
      r.generation = static_cast<std::uint32_t>(std::stoul(f[4]));
      r.created_s = f[5].empty() ? 0.0 : std::stod(f[5]);
      rows.push_back(r);
    } catch (const std::logic_error&) {
      throw bad("a field is not a number");
    }
  }
  return rows;
}

CascadeStats cascade_stats(const std::vector<CascadeRecord>& rows, std::uint64_t members) {
  CascadeStats s;
  s.nodes = rows.size();
  // Message ids are row indices in a file written by mailstorm; map them anyway.
  std::unordered_map<std::int64_t, std::int64_t> index;
  for (std::size_t i = 0; i < rows.size(); ++i) index.emplace(rows[i].id, static_cast<std::int64_t>(i));
  std::vector<std::int64_t> parent(rows.size(), -1);
  std::int64_t root = -1;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].parent >= 0) {
      const auto it = index.find(rows[i].parent);
      if (it != index.end()) parent[i] = it->second;
    }
    if (root < 0 && rows[i].kind == MessageKind::first_mail && parent[i] < 0) root = static_cast<std::int64_t>(i);
  }
  if (root < 0) return s;
  // Depths from the parent links (the file's generation saturates at 255).
  std::vector<std::vector<std::int64_t>> children(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (parent[i] >= 0) children[static_cast<std::size_t>(parent[i])].push_back(static_cast<std::int64_t>(i));
  std::vector<std::uint32_t> depth(rows.size(), 0);
  std::vector<std::int64_t> order{root};
  for (std::size_t k = 0; k < order.size(); ++k)
    for (const std::int64_t c : children[static_cast<std::size_t>(order[k])]) {
      depth[static_cast<std::size_t>(c)] = depth[static_cast<std::size_t>(order[k])] + 1;
      order.push_back(c);
    }
  s.tree_nodes = order.size();
  const auto first_outsider = static_cast<std::int64_t>(kFirstMember + members);
  std::unordered_map<std::int64_t, std::uint32_t> outsider_first_depth;
  double depth_sum = 0;
  for (const std::int64_t v : order) {
    const auto vi = static_cast<std::size_t>(v);
    const std::uint32_t d = depth[vi];
    s.depth_max = std::max(s.depth_max, d);
    depth_sum += d;
    if (s.generations.size() <= d) s.generations.resize(d + 1);
    GenerationRow& g = s.generations[d];
    ++g.messages;
    ++g.by_kind[static_cast<std::size_t>(rows[vi].kind)];
    if (rows[vi].author >= first_outsider) {
      ++g.outsider_authors;
      auto [it, fresh] = outsider_first_depth.emplace(rows[vi].author, d);
      if (!fresh && d < it->second) it->second = d;
    }
    if (children[vi].empty()) {
      if (s.leaf_depths.size() <= d) s.leaf_depths.resize(d + 1, 0);
      ++s.leaf_depths[d];
    }
  }
  s.depth_mean = depth_sum / static_cast<double>(order.size());
  for (const auto& [who, d] : outsider_first_depth) ++s.generations[d].new_outsiders;
  std::uint64_t cum = 0;
  for (std::size_t d = 0; d < s.generations.size(); ++d) {
    s.generations[d].generation = static_cast<std::uint32_t>(d);
    cum += s.generations[d].new_outsiders;
    s.generations[d].cumulative_outsiders = cum;
  }
  s.structural_virality = structural_virality(parent, root);
  // The chain-mail tree: the root and every chain forward whose ancestors up to the root are
  // chain forwards (the tree chain letters grow outside the list).
  std::vector<std::int64_t> chain_parent(rows.size(), -2);
  chain_parent[static_cast<std::size_t>(root)] = -1;
  for (const std::int64_t v : order) {
    const auto vi = static_cast<std::size_t>(v);
    if (v == root || rows[vi].kind != MessageKind::chain_forward) continue;
    const std::int64_t p = parent[vi];
    if (p >= 0 && chain_parent[static_cast<std::size_t>(p)] != -2) chain_parent[vi] = p;
  }
  std::vector<std::int64_t> chain(rows.size(), -1);
  for (std::size_t i = 0; i < rows.size(); ++i) chain[i] = chain_parent[i] >= 0 ? chain_parent[i] : -1;
  s.chain_nodes = static_cast<std::uint64_t>(std::count_if(chain_parent.begin(), chain_parent.end(),
                                                           [](std::int64_t x) { return x != -2; }));
  s.structural_virality_chain = structural_virality(chain, root);
  return s;
}

std::vector<double> target_degree_pmf(double mean, double exponent, std::size_t max_d) {
  // ContactGraph::draw_degree: x Pareto(xmin, exponent - 1), D = clamp(floor(x + 0.5), 1, 10000).
  const double xmin = mean * (exponent - 2.0) / (exponent - 1.0);
  const double tail = exponent - 1.0;
  auto sf = [&](double t) { return (xmin <= 0 || t <= xmin) ? 1.0 : std::pow(xmin / t, tail); };  // P(x >= t)
  std::vector<double> pmf(max_d + 1, 0.0);
  for (std::size_t d = 1; d <= max_d; ++d) {
    const double ge = d == 1 ? 1.0 : sf(static_cast<double>(d) - 0.5);
    const double gt = sf(static_cast<double>(d) + 0.5);
    pmf[d] = d >= 10000 ? ge : ge - gt;
  }
  return pmf;
}

}  // namespace mailstorm::models::analysis
