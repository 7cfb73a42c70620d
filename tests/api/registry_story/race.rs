//! 200 citizens race for 10 places: exactly 10 win, nobody is overbooked, and
//! the capacity counters add up afterwards.

use crate::fixtures::*;
use crate::helpers::TestDb;
use dargah::registry::model::*;

const RACERS: u64 = 200;
const PLACES: i64 = 10;

async fn two_hundred_concurrent_moves_into_ten_places_book_exactly_ten(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    let origin = slot(r.as_ref(), o, day(2), Shift::Morning, RACERS as i64).await;
    let target = slot(r.as_ref(), o, day(3), Shift::Evening, PLACES).await;
    let mut ids = Vec::new();
    for n in 0..RACERS {
        ids.push(
            request(
                r.as_ref(),
                1000 + n,
                RequestState::AppointmentChosen,
                Some(origin),
            )
            .await,
        );
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(RACERS as usize));
    let tasks: Vec<_> = ids
        .iter()
        .map(|&id| {
            let (r, barrier) = (r.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                r.move_appointment(id, target, &Actor::system(), &[]).await
            })
        })
        .collect();
    let mut changed = 0;
    let mut full = 0;
    for t in tasks {
        match t.await.unwrap().unwrap() {
            ChangeOutcome::Changed => changed += 1,
            ChangeOutcome::Full => full += 1,
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!((changed, full), (PLACES as u64, RACERS - PLACES as u64));
    assert_eq!(r.capacity(&target).await.unwrap(), Some((PLACES, PLACES)));
    assert_eq!(
        r.capacity(&origin).await.unwrap(),
        Some((RACERS as i64 - PLACES, RACERS as i64))
    );
    let mut booked_target = 0;
    for id in ids {
        if r.request(id).await.unwrap().unwrap().appointment == Some(target) {
            booked_target += 1;
        }
    }
    assert_eq!(booked_target, PLACES);
}

crate::on_both_backends!(two_hundred_concurrent_moves_into_ten_places_book_exactly_ten);
