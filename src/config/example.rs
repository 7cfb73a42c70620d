//! The shipped `dargah.example.toml` must stay loadable and equal to the defaults.

#[cfg(test)]
mod tests {
    use crate::config::Settings;
    use figment::{
        Figment,
        providers::{Format, Toml},
    };

    #[test]
    fn the_example_file_loads_and_matches_the_defaults() {
        let example = include_str!("../../dargah.example.toml");
        let loaded = Settings::extract(Figment::new().merge(Toml::string(example))).unwrap();
        let defaults = Settings::default();
        assert_eq!(format!("{loaded:?}"), format!("{defaults:?}"));
    }
}
