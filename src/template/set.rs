//! Compiled suite strings ([`Text`]), the tera instance that holds them ([`TemplateSet`]) and the
//! variables they render against ([`Scope`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::error::Error as _;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use tera::{Context, Tera};

use super::functions;
use super::references::{Reference, references};

/// A string from a suite, compiled at load time.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// No `{{ }}` in it: used as written.
    Literal(String),
    /// A template registered in the suite's [`TemplateSet`], shared by every string of the suite
    /// written the same way (`{{ token }}` in every step).
    Template(Arc<CompiledTemplate>),
}

#[derive(Debug, PartialEq)]
pub struct CompiledTemplate {
    /// Its name in the [`TemplateSet`].
    name: String,
    source: String,
    /// Set when the template is one variable alone (`{{ token }}`, the most common by far):
    /// a string value is then used as it is, without a trip through tera.
    variable: Option<String>,
    /// The variables it reads.
    references: Arc<[Reference]>,
}

impl Text {
    pub fn literal(text: impl Into<String>) -> Self {
        Text::Literal(text.into())
    }

    /// The string as the suite wrote it.
    pub fn source(&self) -> &str {
        match self {
            Text::Literal(text) => text,
            Text::Template(template) => &template.source,
        }
    }

    pub fn render<'a>(
        &'a self,
        set: &TemplateSet,
        scope: &Scope,
    ) -> Result<Cow<'a, str>, RenderError> {
        match self {
            Text::Literal(text) => Ok(Cow::Borrowed(text)),
            Text::Template(template) => {
                let value = template
                    .variable
                    .as_deref()
                    .and_then(|variable| scope.get(variable));
                if let Some(Value::String(value)) = value {
                    return Ok(Cow::Owned(value.clone()));
                }
                set.render(&template.name, scope).map(Cow::Owned)
            }
        }
    }
}

/// Why a template could not be rendered, as one lowercase sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    pub message: String,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

/// Collects a suite's templates while it is validated.
#[derive(Debug, Default)]
pub struct TemplateBuilder {
    sources: Vec<(String, String)>,
    /// Each distinct source is parsed once: suites repeat `{{ token }}` in every step.
    compiled: HashMap<String, Arc<CompiledTemplate>, foldhash::fast::RandomState>,
}

impl TemplateBuilder {
    /// Compiles one string. Returns the text and the variables it reads, or a syntax error message.
    pub fn compile(&mut self, source: &str) -> Result<(Text, Arc<[Reference]>), String> {
        if !source.contains("{{") && !source.contains("{%") && !source.contains("{#") {
            return Ok((Text::literal(source), Arc::from([])));
        }
        if let Some(compiled) = self.compiled.get(source) {
            let references = Arc::clone(&compiled.references);
            return Ok((Text::Template(Arc::clone(compiled)), references));
        }
        if super::nests_too_deep(source) {
            return Err(format!(
                "parentheses, brackets, blocks or operators nested or chained more than {} deep",
                super::MAX_NESTING
            ));
        }
        let name = format!("t{}", self.sources.len());
        let template =
            tera::Template::new(&name, None, source).map_err(|error| syntax_message(&error))?;
        check_calls(&template.ast)?;
        let compiled = Arc::new(CompiledTemplate {
            variable: lone_variable(&template.ast),
            references: references(&template.ast).into(),
            name,
            source: source.to_owned(),
        });
        self.sources
            .push((compiled.name.clone(), source.to_owned()));
        self.compiled
            .insert(source.to_owned(), Arc::clone(&compiled));
        let references = Arc::clone(&compiled.references);
        Ok((Text::Template(compiled), references))
    }

    pub fn finish(self) -> Result<TemplateSet, String> {
        let mut tera = Tera::default();
        functions::register(&mut tera);
        tera.add_raw_templates(self.sources)
            .map_err(|error| syntax_message(&error))?;
        let mut reads: Vec<String> = self
            .compiled
            .values()
            .flat_map(|template| template.references.iter())
            .map(|reference| reference.root().to_owned())
            .collect();
        reads.sort_unstable();
        reads.dedup();
        Ok(TemplateSet { tera, reads })
    }
}

/// Refuses a filter or function that tera, with ours registered, does not have.
fn check_calls(ast: &[tera::ast::Node]) -> Result<(), String> {
    static KNOWN: OnceLock<Tera> = OnceLock::new();
    let known = KNOWN.get_or_init(|| {
        let mut tera = Tera::default();
        functions::register(&mut tera);
        tera
    });
    let calls = super::calls(ast);
    // tera applies `default` and `safe` itself in an expression: they are not among its
    // registered filters (and a `{% filter %}` section cannot use them).
    let unknown_in_expression = |name: &&String| {
        !matches!(name.as_str(), "default" | "safe") && known.get_filter(name).is_err()
    };
    if let Some(filter) = calls
        .filters
        .iter()
        .find(unknown_in_expression)
        .or_else(|| {
            calls
                .section_filters
                .iter()
                .find(|name| known.get_filter(name).is_err())
        })
    {
        return Err(format!("unknown filter `{filter}`"));
    }
    if let Some(function) = calls
        .functions
        .iter()
        .find(|name| known.get_function(name).is_err())
    {
        return Err(format!("unknown function `{function}`"));
    }
    Ok(())
}

/// The variable's name when a template is `{{ name }}` and nothing else: no text around it, no
/// filter, no path into the value.
fn lone_variable(ast: &[tera::ast::Node]) -> Option<String> {
    use tera::ast::{ExprVal, Node};
    match ast {
        [Node::VariableBlock(_, expression)]
            if expression.filters.is_empty() && !expression.negated =>
        {
            match &expression.val {
                ExprVal::Ident(name)
                    if name.chars().all(|c| c.is_alphanumeric() || c == '_')
                        && !name.starts_with("__tera") =>
                {
                    Some(name.clone())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// All templates of one suite.
pub struct TemplateSet {
    tera: Tera,
    /// The variables the templates read (the roots: `mocks` for `mocks.google.url`), sorted.
    reads: Vec<String>,
}

impl fmt::Debug for TemplateSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemplateSet")
            .field("templates", &self.tera.get_template_names().count())
            .finish()
    }
}

impl TemplateSet {
    /// The variables the suite's templates read, sorted: `token` for `{{ token | upper }}`.
    pub fn variables_read(&self) -> &[String] {
        &self.reads
    }

    fn render(&self, name: &str, scope: &Scope) -> Result<String, RenderError> {
        self.tera
            .render(name, &scope.context)
            .map_err(|error| RenderError {
                message: render_message(&error),
            })
    }
}

/// The variables a suite's templates see: vars, `env`, `target`, and captures as they arrive.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    context: Context,
}

impl Scope {
    pub fn insert(&mut self, name: &str, value: &Value) {
        self.context.insert(name, value);
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.context.get(name)
    }
}

/// The innermost message of a tera error chain, without tera's internal template names.
fn innermost(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        message = inner.to_string();
        source = inner.source();
    }
    message
}

fn render_message(error: &tera::Error) -> String {
    let message = innermost(error);
    let message = match message.find(" while rendering") {
        Some(position) => &message[..position],
        None => &message,
    };
    let message = message.replace(" in context", "");
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => message,
    }
}

/// Tera's parse errors are pest reports; the line that says what was expected is the useful part.
fn syntax_message(error: &tera::Error) -> String {
    let message = innermost(error);
    message
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("= "))
        .map_or_else(|| message.trim().to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile(source: &str) -> (TemplateSet, Text) {
        let mut builder = TemplateBuilder::default();
        let (text, _) = builder.compile(source).expect("compiles");
        (builder.finish().expect("builds"), text)
    }

    #[test]
    fn blocks_nested_past_the_limit_are_refused_before_tera_parses_them() {
        let nested = |depth: usize| {
            format!(
                "{}x{}",
                "{% if a %}".repeat(depth),
                "{% endif %}".repeat(depth)
            )
        };
        let mut builder = TemplateBuilder::default();
        assert!(builder.compile(&nested(20)).is_ok());
        let chain = format!("{{{{ 1{} }}}}", " + 1".repeat(15_000));
        assert!(builder.compile(&chain).is_err());
        assert!(builder.compile("{{ a + b - 1 }} and {{ x or y }}").is_ok());
        assert_eq!(
            builder.compile(&nested(1000)).err().as_deref(),
            Some("parentheses, brackets, blocks or operators nested or chained more than 128 deep")
        );
    }

    #[test]
    fn an_unknown_filter_or_function_is_refused_when_compiled() {
        let mut builder = TemplateBuilder::default();
        assert_eq!(
            builder.compile("{{ token | uppercase }}").err().as_deref(),
            Some("unknown filter `uppercase`")
        );
        assert_eq!(
            builder.compile("{{ uuid4() }}").err().as_deref(),
            Some("unknown function `uuid4`")
        );
        assert!(
            builder
                .compile("{{ token | upper | base64_encode }}")
                .is_ok()
        );
        assert!(builder.compile("{{ uuid() }}-{{ now(offset=60) }}").is_ok());
        assert!(
            builder
                .compile("{% filter upper %}x{% endfilter %}")
                .is_ok()
        );
    }

    #[test]
    fn strings_without_braces_stay_literal() {
        let mut builder = TemplateBuilder::default();
        let (text, found) = builder.compile("/users/me").expect("compiles");
        assert_eq!(text, Text::literal("/users/me"));
        assert!(found.is_empty());
    }

    #[test]
    fn a_lone_variable_renders_as_tera_would() {
        let mut scope = Scope::default();
        scope.insert("token", &json!("a <b> & \"c\""));
        scope.insert("count", &json!(3));
        for source in [
            "{{ token }}",
            "{{token}}",
            "{{ count }}",
            "{{ token | upper }}",
            "{{ missing }}",
        ] {
            let (set, text) = compile(source);
            let fast = text.render(&set, &scope).map(|text| text.into_owned());
            let Text::Template(template) = &text else {
                panic!("{source} is a template")
            };
            assert_eq!(
                template.variable.is_some(),
                !source.contains('|'),
                "{source}: only a bare variable takes the short path"
            );
            assert_eq!(fast, set.render(&template.name, &scope), "{source}");
        }
    }

    #[test]
    fn templates_render_against_the_scope() {
        let (set, text) = compile("Bearer {{ token }}");
        let mut scope = Scope::default();
        scope.insert("token", &json!("abc"));
        assert_eq!(text.render(&set, &scope).expect("renders"), "Bearer abc");
    }

    #[test]
    fn rendering_does_not_escape_html() {
        let (set, text) = compile("{{ v }}");
        let mut scope = Scope::default();
        scope.insert("v", &json!("<a&b>\"'"));
        assert_eq!(text.render(&set, &scope).expect("renders"), "<a&b>\"'");
    }

    #[test]
    fn a_missing_variable_names_it() {
        let (set, text) = compile("{{ nope }}");
        let error = text.render(&set, &Scope::default()).expect_err("fails");
        assert_eq!(error.message, "variable `nope` not found");
    }

    #[test]
    fn a_syntax_error_says_what_was_expected() {
        let mut builder = TemplateBuilder::default();
        let message = builder.compile("{{ token ").expect_err("fails");
        assert!(message.contains("expected"), "{message}");
    }
}
