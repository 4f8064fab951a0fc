// The contact graph: generated on demand with a power-law degree, or loaded from an edge list.
#include "models/population/contact_graph.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mailstorm::models {

ContactGraph::ContactGraph(std::uint32_t members, GeneratedShape shape)
    : graph_(members), members_(members), generated_(true), shape_(shape), realised_(members, false),
      cache_(members) {}

ContactGraph ContactGraph::from_edge_list(const std::string& path, std::uint32_t members) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the contact-graph edge list");
  ContactGraph g;
  g.members_ = members;
  g.generated_ = false;
  g.graph_ = Graph(members);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream ls(line);
    long long u, v;
    if (!(ls >> u)) continue;  // blank or comment
    if (!(ls >> v) || u < 0 || v < 0 || u > 100'000'000 || v > 100'000'000)
      throw std::runtime_error(path + ":" + std::to_string(line_no) +
                               ": expected two vertex numbers (0 .. 100000000) per line");
    std::string rest;
    if (ls >> rest)
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": unexpected '" + rest + "'");
    const auto need = static_cast<std::uint32_t>(std::max(u, v) + 1);
    while (g.vertex_count() < need) boost::add_vertex(g.graph_);
    if (u != v) boost::add_edge(static_cast<Vertex>(u), static_cast<Vertex>(v), g.graph_);
  }
  const std::uint32_t n = g.vertex_count();
  g.realised_.assign(n, true);
  g.cache_.assign(n, {});
  for (Vertex x = 0; x < n; ++x) {
    auto [b, e] = boost::adjacent_vertices(x, g.graph_);
    for (; b != e; ++b) g.cache_[x].push_back(static_cast<Vertex>(*b));
  }
  return g;
}

std::uint32_t ContactGraph::draw_degree(sim::RandomStream& rng) const {
  // Continuous Pareto with tail exponent alpha-1 and the minimum that gives the wanted mean,
  // rounded down (at least 1 contact) and capped.
  const double alpha = shape_.exponent;
  const double xmin = shape_.mean_degree * (alpha - 2.0) / (alpha - 1.0);
  const double x = xmin * std::pow(rng.uniform01_open_low(), -1.0 / (alpha - 1.0));
  const double d = std::floor(x + 0.5);
  return static_cast<std::uint32_t>(std::clamp(d, 1.0, static_cast<double>(shape_.max_degree)));
}

ContactGraph::Vertex ContactGraph::add_vertex() {
  const auto v = static_cast<Vertex>(boost::add_vertex(graph_));
  realised_.push_back(false);
  cache_.emplace_back();
  return v;
}

const std::vector<ContactGraph::Vertex>& ContactGraph::contacts(Vertex v, sim::RandomStream& rng) {
  if (realised_[v]) return cache_[v];
  realised_[v] = true;
  const std::uint32_t degree = draw_degree(rng);
  int misses = 0;  // a tiny graph may have nobody left to overlap with: then add outsiders
  while (cache_[v].size() < degree) {
    Vertex u;
    if (misses < 16 && vertex_count() > 1 && rng.bernoulli(shape_.overlap)) {
      u = static_cast<Vertex>(rng.uniform_int(vertex_count()));
      if (u == v || std::find(cache_[v].begin(), cache_[v].end(), u) != cache_[v].end()) {
        ++misses;
        continue;
      }
    } else {
      u = add_vertex();
    }
    boost::add_edge(v, u, graph_);
    cache_[v].push_back(u);
    cache_[u].push_back(v);
  }
  return cache_[v];
}

}  // namespace mailstorm::models
