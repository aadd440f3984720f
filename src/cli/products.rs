//! `kehu product …`: the product list purchases and deals pick from.

use anyhow::Result;
use serde_json::json;

use super::Env;
use super::args::ProductCmd;
use super::output::Table;
use crate::domain::input::{self, money_text};
use crate::store;

/// An optional amount typed on the command line: empty or `none` clears it.
fn price(text: &str) -> Result<Option<i64>> {
    match text.trim().to_lowercase().as_str() {
        "" | "none" => Ok(None),
        _ => Ok(Some(input::money("price", text)?)),
    }
}

pub fn run(env: &mut Env, cmd: ProductCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    match cmd {
        ProductCmd::Add {
            name,
            category,
            price: amount,
        } => {
            let name = input::required_line("name", &name)?;
            let category = category
                .as_deref()
                .map(|c| input::optional_line("category", c))
                .transpose()?
                .flatten();
            let amount = amount.as_deref().map(price).transpose()?.flatten();
            let id = env
                .store
                .write(|c| store::products::add(c, &ctx, &name, category.as_deref(), amount))?;
            env.out.line(&crate::i18n::tf(
                "out.added_product",
                &[("id", &id), ("name", &name)],
            ))?;
        }
        ProductCmd::Edit {
            product,
            name,
            category,
            price: amount,
        } => {
            let name = name
                .as_deref()
                .map(|n| input::required_line("name", n))
                .transpose()?;
            let category = category
                .as_deref()
                .map(|c| input::optional_line("category", c))
                .transpose()?;
            let amount = amount.as_deref().map(price).transpose()?;
            env.store.write(|c| {
                let p = store::products::get(c, product)?;
                store::products::update(
                    c,
                    &ctx,
                    product,
                    p.audit.version,
                    name.as_deref().unwrap_or(&p.name),
                    category.clone().unwrap_or(p.category.clone()).as_deref(),
                    amount.unwrap_or(p.price),
                )
            })?;
            env.out
                .line(&crate::i18n::tf("out.updated_product", &[("id", &product)]))?;
        }
        ProductCmd::List { json } => {
            let all = env.store.read(store::products::list)?;
            if json {
                let out: Vec<_> = all
                    .iter()
                    .map(|p| {
                        json!({
                            "id": p.id, "name": p.name, "category": p.category,
                            "price": p.price.map(money_text), "version": p.audit.version,
                        })
                    })
                    .collect();
                return Ok(env.out.json(&out)?);
            }
            if all.is_empty() {
                env.out.line(crate::i18n::t("out.no_products"))?;
                return Ok(());
            }
            let currency = env.store.read(|c| store::settings::get(c, "currency"))?;
            let mut table = Table::new(&[("ID", 6), ("CATEGORY", 20), ("NAME", 40), ("PRICE", 16)]);
            for p in &all {
                table.row(vec![
                    p.id.to_string(),
                    p.category.clone().unwrap_or_default(),
                    p.name.clone(),
                    p.price
                        .map(|m| crate::domain::format::money(m, &currency))
                        .unwrap_or_default(),
                ]);
            }
            table.print(&mut env.out)?;
        }
    }
    Ok(())
}
