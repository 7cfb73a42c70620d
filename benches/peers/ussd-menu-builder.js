// The 4-screen status journey of scripts/bench, written the way
// ussd-menu-builder's README teaches (express, Africa's Talking form fields),
// with the same registry read dargah does: one SQLite lookup (sql.js, SQLite
// compiled to WebAssembly, since native modules cannot be fetched here).
//
//   node benches/peers/ussd-menu-builder.js PORT
//
// Prints "listening PORT" once it accepts connections.
'use strict';

const express = require('express');
const UssdMenu = require('ussd-menu-builder');
const initSqlJs = require('sql.js');

async function registry() {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE citizens (national_id TEXT PRIMARY KEY, serial TEXT, stage TEXT)');
  db.run("INSERT INTO citizens VALUES ('0012345679', '123456', 'paid')");
  return db.prepare('SELECT stage FROM citizens WHERE national_id = ? AND serial = ?');
}

function buildMenu(lookup) {
  // One menu per request: a shared instance mixes up concurrent sessions'
  // arguments when a state awaits (ussd-menu-builder keeps them on the instance).
  const menu = new UssdMenu();
  menu.startState({
    run: () => menu.con('کارت هوشمند ملی\n۱- وضعیت درخواست\n۲- تغییر نوبت\n۳- راهنما'),
    next: { '1': 'nid' },
  });
  menu.state('nid', {
    run: () => menu.con('کد ملی ۱۰ رقمی را وارد کنید:'),
    next: { '*\\d{10}': 'serial' },
  });
  menu.state('serial', {
    run: () => menu.con('بخش عددی سریال شناسنامه (۶ رقم):'),
    next: { '*\\d{6}': 'status' },
  });
  menu.state('status', {
    run: () => {
      const [nid, serial] = menu.args.text.split('*').slice(1);
      lookup.bind([nid, serial]);
      const found = lookup.step() ? lookup.getAsObject().stage : null;
      lookup.reset();
      menu.con(found
        ? 'درخواست شما پرداخت شده است. در روز نوبت با شناسنامه به دفتر بروید.\n۱- رسید پیامکی'
        : 'درخواستی با این مشخصات پیدا نشد.');
    },
  });
  return menu;
}

async function main() {
  const port = Number(process.argv[2] || 8090);
  const lookup = await registry();
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/ussd/africastalking', async (req, res) => {
    const args = {
      phoneNumber: req.body.phoneNumber,
      sessionId: req.body.sessionId,
      serviceCode: req.body.serviceCode,
      text: req.body.text || '',
    };
    res.send(await buildMenu(lookup).run(args));
  });
  app.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
}

main();
