package dev.baton.master.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The keyword tables of the domain analysis: which words of a task's text count toward which of the
 * seed's six complexities. Drawn from the seed's specialisations (frameworks, expertise,
 * domain_expertise) and the seed's e-commerce tasks.
 *
 * <p>Rules, in order:
 * <ul>
 *   <li>Text is lower-cased and split on anything but letters and digits ("Next.js" is "next js",
 *       "CI/CD" is "ci cd"). A keyword ending in {@code *} matches any word starting with it.
 *   <li>Longer phrases match first and consume their words, so "database setup" (devops) wins over
 *       "database" (data) and "caching layer" (devops) over "caching" (backend).
 *   <li>A match weighs its number of words; testing matches weigh double, because a text about
 *       testing something ("E2E checkout flow tests") belongs to testing whatever it tests.
 *   <li>Data and security count toward their own complexity. For routing, data belongs to backend;
 *       security belongs to testing when the text also matched testing, to devops when it matched
 *       devops ("security hardening of the cluster"), else to backend ("user authentication").
 * </ul>
 */
final class DomainKeywords {
  enum Category {
    FRONTEND,
    BACKEND,
    DEVOPS,
    TESTING,
    DATA,
    SECURITY;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  record Keyword(Category category, List<String> words, boolean prefix) {
    int weight() {
      return words.size() * (category == Category.TESTING ? 2 : 1);
    }

    boolean matches(List<String> tokens, int at) {
      if (at + words.size() > tokens.size()) {
        return false;
      }
      for (int i = 0; i < words.size(); i++) {
        String token = tokens.get(at + i);
        String word = words.get(i);
        boolean last = i == words.size() - 1;
        if (last && prefix ? !token.startsWith(word) : !token.equals(word)) {
          return false;
        }
      }
      return true;
    }
  }

  private static final String[] FRONTEND = {
    "ui", "ux", "user interface", "interface*", "frontend", "front end", "page", "pages", "screen*",
    "component*", "react", "next js", "nextjs", "vue", "angular", "svelte", "css", "styl*", "tailwind",
    "responsive", "layout*", "accessib*", "wcag", "a11y", "dashboard*", "form", "forms", "navigation",
    "menu*", "button*", "checkout flow", "admin", "browser*", "client side", "state management",
    "design system", "animation*", "mobile app", "web app", "html", "widget*", "theme*", "dark mode",
    "storybook", "modal*", "wizard"
  };

  private static final String[] BACKEND = {
    "api", "apis", "backend", "back end", "endpoint*", "server", "service", "services",
    "microservice*", "rest", "restful", "graphql", "grpc", "webhook*", "payment*", "order management",
    "orders", "inventory", "business logic", "message queue*", "queue*", "kafka", "rabbitmq", "cach*",
    "node js", "nodejs", "express", "nestjs", "fastapi", "spring", "notification*", "email*",
    "rate limit*", "openapi", "swagger", "billing", "invoice*", "search engine", "websocket*"
  };

  private static final String[] DEVOPS = {
    "devops", "infrastructure", "infra", "provision*", "kubernetes", "k8s", "helm", "docker*",
    "container*", "ci cd", "ci", "cd", "pipeline*", "deploy*", "monitoring", "logging", "logs",
    "alert*", "observability", "prometheus", "grafana", "terraform", "ansible", "cloud", "aws", "gcp",
    "azure", "cluster*", "database setup", "redis", "caching layer", "cache layer", "cdn", "dns",
    "load balancer*", "backup*", "disaster recovery", "hardening", "autoscal*", "nginx", "ingress",
    "manifest*", "iac", "uptime", "tracing"
  };

  private static final String[] TESTING = {
    "test", "tests", "testing", "tested", "e2e", "end to end", "qa", "quality assurance",
    "penetration", "pentest*", "pen test", "load test*", "performance testing", "integration test*",
    "unit test*", "regression*", "coverage", "playwright", "cypress", "selenium", "junit", "jest",
    "k6", "pact", "contract test*", "smoke", "fuzz*", "benchmark*", "stress test*"
  };

  private static final String[] DATA = {
    "database*", "db", "schema*", "migration*", "sql", "postgres*", "mysql", "mongo*", "query",
    "queries", "data model*", "etl", "orm", "data warehouse", "analytics", "data", "dataset*",
    "persistence", "seed data", "elasticsearch"
  };

  private static final String[] SECURITY = {
    "security", "secure", "authenticat*", "authoriz*", "auth", "login", "logout", "sign in",
    "sign up", "signup", "password*", "jwt", "oauth*", "sso", "encrypt*", "tls", "ssl",
    "certificate*", "vulnerab*", "owasp", "csrf", "xss", "rbac", "permission*", "secret*",
    "firewall", "compliance", "pci", "gdpr", "2fa", "mfa"
  };

  /** Every keyword, longest phrases first, then in table order: the order of matching. */
  static final List<Keyword> ALL = build();

  private DomainKeywords() {}

  private static List<Keyword> build() {
    List<Keyword> all = new ArrayList<>();
    add(all, Category.FRONTEND, FRONTEND);
    add(all, Category.BACKEND, BACKEND);
    add(all, Category.DEVOPS, DEVOPS);
    add(all, Category.TESTING, TESTING);
    add(all, Category.DATA, DATA);
    add(all, Category.SECURITY, SECURITY);
    all.sort(Comparator.comparingInt((Keyword k) -> -k.words().size())); // stable: table order kept
    return List.copyOf(all);
  }

  private static void add(List<Keyword> all, Category category, String[] table) {
    for (String entry : table) {
      boolean prefix = entry.endsWith("*");
      String phrase = prefix ? entry.substring(0, entry.length() - 1) : entry;
      all.add(new Keyword(category, tokens(phrase), prefix));
    }
  }

  static List<String> tokens(String text) {
    String[] parts = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+");
    return Arrays.stream(parts).filter(p -> !p.isEmpty()).toList();
  }
}
