//! Which variables a template reads, found by walking tera's syntax tree, so that an undefined
//! variable is reported at load time with its location instead of failing halfway through a run.

use std::collections::HashSet;

use tera::ast::{Expr, ExprVal, FunctionCall, Node};

/// One variable a template reads, such as `env.ALICE_PASSWORD` or `token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The dotted path as written: `mocks.google.url`.
    pub path: String,
    /// True when a `default` filter covers the variable being undefined.
    pub has_default: bool,
}

impl Reference {
    /// The first segment: the variable itself, before any `.field` or `[index]`.
    pub fn root(&self) -> &str {
        self.path.split(['.', '[']).next().unwrap_or(&self.path)
    }

    /// The second segment, for namespaces such as `env.NAME`.
    pub fn member(&self) -> Option<&str> {
        let rest = self.path.strip_prefix(self.root())?.strip_prefix('.')?;
        rest.split(['.', '[']).next()
    }
}

/// Every variable read by a parsed template, in order of appearance, without the ones the template
/// defines itself (`set`, loop variables).
pub fn references(ast: &[Node]) -> Vec<Reference> {
    let mut walker = Walker::default();
    walker.nodes(ast);
    walker.found
}

/// The filters and functions a parsed template calls, by name, in order of appearance: a name
/// tera does not know fails only when the template is rendered, halfway through a run.
pub fn calls(ast: &[Node]) -> Calls {
    let mut walker = Walker::default();
    walker.nodes(ast);
    walker.calls
}

#[derive(Debug, Default)]
pub struct Calls {
    /// Filters applied in expressions: `{{ token | upper }}`.
    pub filters: Vec<String>,
    /// Filters of `{% filter upper %}…{% endfilter %}` sections.
    pub section_filters: Vec<String>,
    pub functions: Vec<String>,
}

#[derive(Default)]
struct Walker {
    calls: Calls,
    locals: HashSet<String>,
    found: Vec<Reference>,
}

impl Walker {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, expr) => self.expr(expr, false),
            Node::Set(_, set) => {
                self.expr(&set.value, false);
                self.locals.insert(set.key.clone());
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    // `{% if x is defined %}` and friends test definedness on purpose.
                    self.expr(condition, true);
                    self.nodes(body);
                }
                if let Some((_, body)) = &branches.otherwise {
                    self.nodes(body);
                }
            }
            Node::Forloop(_, forloop, _) => {
                self.expr(&forloop.container, false);
                self.locals.insert(forloop.value.clone());
                self.locals.insert("loop".to_owned());
                if let Some(key) = &forloop.key {
                    self.locals.insert(key.clone());
                }
                self.nodes(&forloop.body);
                if let Some(body) = &forloop.empty_body {
                    self.nodes(body);
                }
            }
            Node::FilterSection(_, section, _) => {
                self.calls.section_filters.push(section.filter.name.clone());
                self.call(&section.filter);
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::MacroDefinition(..)
            | Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::Include(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }

    fn expr(&mut self, expr: &Expr, has_default: bool) {
        let has_default = has_default || expr.filters.iter().any(|f| f.name == "default");
        self.value(&expr.val, has_default);
        for filter in &expr.filters {
            self.calls.filters.push(filter.name.clone());
            self.call(filter);
        }
    }

    fn call(&mut self, call: &FunctionCall) {
        for arg in call.args.values() {
            self.expr(arg, false);
        }
    }

    fn value(&mut self, value: &ExprVal, has_default: bool) {
        match value {
            ExprVal::Ident(path) => {
                let reference = Reference {
                    path: path.clone(),
                    has_default,
                };
                if !self.locals.contains(reference.root()) {
                    self.found.push(reference);
                }
            }
            ExprVal::Math(math) => {
                self.expr(&math.lhs, has_default);
                self.expr(&math.rhs, has_default);
            }
            ExprVal::Logic(logic) => {
                self.expr(&logic.lhs, has_default);
                self.expr(&logic.rhs, has_default);
            }
            ExprVal::In(within) => {
                self.expr(&within.lhs, has_default);
                self.expr(&within.rhs, has_default);
            }
            ExprVal::Test(test) => {
                let testing_definedness = matches!(test.name.as_str(), "defined" | "undefined");
                if !testing_definedness {
                    self.value(&ExprVal::Ident(test.ident.clone()), has_default);
                }
                for arg in &test.args {
                    self.expr(arg, has_default);
                }
            }
            ExprVal::FunctionCall(call) => {
                self.calls.functions.push(call.name.clone());
                self.call(call);
            }
            ExprVal::MacroCall(call) => {
                for arg in call.args.values() {
                    self.expr(arg, has_default);
                }
            }
            ExprVal::Array(items) => {
                for item in items {
                    self.expr(item, has_default);
                }
            }
            ExprVal::StringConcat(concat) => {
                for part in &concat.values {
                    self.value(part, has_default);
                }
            }
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(source: &str) -> Vec<(String, bool)> {
        let template = tera::Template::new("t", None, source).expect("valid template");
        references(&template.ast)
            .into_iter()
            .map(|r| (r.path, r.has_default))
            .collect()
    }

    #[test]
    fn finds_plain_and_dotted_variables() {
        assert_eq!(
            paths("{{ base }}/x?t={{ env.TOKEN }}"),
            [("base".to_owned(), false), ("env.TOKEN".to_owned(), false)]
        );
    }

    #[test]
    fn a_default_filter_marks_the_variable_optional() {
        assert_eq!(
            paths("{{ env.X | default(value='y') }}"),
            [("env.X".to_owned(), true)]
        );
    }

    #[test]
    fn loop_variables_and_sets_are_not_references() {
        assert_eq!(
            paths("{% set a = 1 %}{{ a }}{% for i in items %}{{ i }}{% endfor %}"),
            [("items".to_owned(), false)]
        );
    }

    #[test]
    fn filter_and_function_arguments_are_references() {
        assert_eq!(
            paths("{{ now(offset=skew) | replace(from='a', to=b) }}"),
            [("skew".to_owned(), false), ("b".to_owned(), false)]
        );
    }

    #[test]
    fn root_and_member_split_the_path() {
        let reference = Reference {
            path: "mocks.google.url".to_owned(),
            has_default: false,
        };
        assert_eq!(reference.root(), "mocks");
        assert_eq!(reference.member(), Some("google"));
    }
}
